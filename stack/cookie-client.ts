/**
 * A tiny browser stand-in: fetch with a cookie jar per host and manual redirects, so a test can
 * walk the OAuth flow exactly as a phone would and see every hop.
 */
export interface Hop {
  url: string;
  status: number;
  location: string | null;
  body: string;
  headers: Headers;
}

export class CookieClient {
  readonly jar = new Map<string, Map<string, string>>();
  readonly hops: Hop[] = [];

  cookieHeader(url: string): string {
    const cookies = this.jar.get(new URL(url).hostname);
    return cookies ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).hostname)?.get(name);
  }

  #store(url: string, headers: Headers) {
    const host = new URL(url).hostname;
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(host, cookies);
  }

  /** One request, no redirect following. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Hop> {
    const headers: Record<string, string> = { accept: 'text/html,application/json', ...init.headers };
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const method = init.method ?? (body ? 'POST' : 'GET');
    // Like a browser on the page it posts from: state-changing requests carry their Origin.
    if (method !== 'GET' && method !== 'HEAD' && !Object.keys(headers).some((h) => h.toLowerCase() === 'origin'))
      headers.origin = new URL(url).origin;
    const res = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.#store(url, res.headers);
    const location = res.headers.get('location');
    const hop: Hop = {
      url,
      status: res.status,
      location: location ? new URL(location, url).toString() : null,
      body: await res.text(),
      headers: res.headers,
    };
    this.hops.push(hop);
    return hop;
  }

  /** Follows redirects (GET after each) and answers the last hop. */
  async follow(url: string, init: Parameters<CookieClient['request']>[1] = {}, max = 10): Promise<Hop> {
    let hop = await this.request(url, init);
    for (let i = 0; i < max && hop.status >= 300 && hop.status < 400 && hop.location; i++) {
      hop = await this.request(hop.location);
    }
    return hop;
  }
}
