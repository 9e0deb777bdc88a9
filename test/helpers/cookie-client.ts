/** The browser stand-in with a cookie jar: the stack's (stack/cookie-client.ts). */
export { CookieClient, type Hop } from '../../stack/cookie-client.js';
