/** Logs a listener in through the simulated Spotify exactly as a phone would: every hop, cookies kept. */
import type { CookieClient, Hop } from './cookie-client.js';

/** The hidden fields and action of the simulator's consent form. */
export function consentForm(html: string, pageUrl: string): { action: string; fields: Record<string, string> } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('no consent form on the page');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = m[2]!
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
  }
  return { action: new URL(action, pageUrl).toString(), fields };
}

/**
 * Walks /login → consent page → decision → /callback like a phone, answering the final hop
 * (normally the 302 back to `/`).
 */
export async function loginThroughSimulator(
  client: CookieClient,
  hubUrl: string,
  listener: string,
  decision: 'agree' | 'cancel' = 'agree',
): Promise<{ callback: Hop; callbackUrl: string }> {
  const login = await client.request(`${hubUrl}/login`);
  if (login.status !== 302 || !login.location) throw new Error(`/login answered ${login.status}`);
  const consent = await client.request(login.location);
  if (consent.status !== 200) throw new Error(`authorize answered ${consent.status}: ${consent.body.slice(0, 200)}`);
  const form = consentForm(consent.body, login.location);
  const decided = await client.request(form.action, { form: { ...form.fields, listener, decision } });
  if (decided.status !== 302 || !decided.location) throw new Error(`decision answered ${decided.status}`);
  const callback = await client.request(decided.location);
  return { callback, callbackUrl: decided.location };
}
