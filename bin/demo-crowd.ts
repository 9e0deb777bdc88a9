/**
 * Demo mode's simulated audience (`DEMO_CROWD=N`): listeners of the embedded simulator who log in
 * through the hub's real `/login` flow, play music, wait their turn and rejoin after it, so the
 * rotation, the dashboard and the bridge can be watched without a phone. Every other member is a
 * guest (venue mode): joins with a name, searches the catalog and picks tracks through the same
 * routes as a phone, so one person sees both kinds take turns.
 */
import { z } from 'zod';
import type { Logger } from '../shared/logger.js';
import type { SimulatorState } from '../simulator/simulator-state.js';

const FIRST_NAMES = [
  'Aiko',
  'Bruno',
  'Chiara',
  'Dmitri',
  'Esi',
  'Farid',
  'Greta',
  'Hugo',
  'Ines',
  'Jonas',
  'Kemal',
  'Lena',
  'Mateo',
  'Nia',
  'Oskar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
];

/** A cookie-keeping visitor that follows the hub's login flow hop by hop. */
class Visitor {
  readonly #cookies = new Map<string, string>();

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; json?: unknown } = {},
  ): Promise<{ status: number; location: string | null; body: string }> {
    // Like a browser on the hub's page: state-changing requests carry their Origin.
    const headers: Record<string, string> = { origin: new URL(url).origin };
    const host = new URL(url).host;
    const cookie = [...this.#cookies]
      .filter(([k]) => k.startsWith(`${host}|`))
      .map(([k, v]) => `${k.split('|')[1]}=${v}`)
      .join('; ');
    if (cookie) headers.cookie = cookie;
    // fetch labels a URLSearchParams body as a form by itself.
    const body = init.form
      ? new URLSearchParams(init.form)
      : init.json === undefined
        ? undefined
        : JSON.stringify(init.json);
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) this.#cookies.set(`${host}|${pair.slice(0, eq)}`, pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    return {
      status: res.status,
      location: location ? new URL(location, url).toString() : null,
      body: await res.text(),
    };
  }
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Logs one listener in through `/login` and the simulator's consent form; answers the visitor. */
export async function logInThroughHub(hubUrl: string, listenerId: string): Promise<Visitor> {
  const v = new Visitor();
  const login = await v.request(`${hubUrl}/login`);
  if (!login.location) throw new Error(`/login answered ${login.status}`);
  const consent = await v.request(login.location);
  const action = /<form method="post" action="([^"]+)"/.exec(consent.body)?.[1];
  if (!action) throw new Error('no consent form');
  const fields: Record<string, string> = { listener: listenerId, decision: 'agree' };
  for (const m of consent.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]!] = unescapeHtml(m[2]!);
  const decided = await v.request(new URL(unescapeHtml(action), login.location).toString(), { form: fields });
  if (!decided.location) throw new Error(`consent answered ${decided.status}`);
  const callback = await v.request(decided.location);
  if (callback.status !== 302 || callback.location !== `${hubUrl}/`)
    throw new Error(`callback answered ${callback.status} → ${callback.location ?? ''}`);
  return v;
}

/** Words that find tracks in the simulator's catalog; each guest searches one. */
const SEARCH_WORDS = ['a', 'e', 'o', 'i', 'u', 'the', 'song', 'light'];

const searchAnswer = z.object({ items: z.array(z.object({ uri: z.string() })) });
const statusAnswer = z.object({ picks_per_turn: z.number().int().positive() });
const cooldownAnswer = z.object({ error: z.object({ details: z.object({ uri: z.string() }).partial().nullish() }) });

/** A guest joins with a name and picks tracks like a phone would: join, search, `PUT /api/picks`. */
async function joinAsGuest(visitor: Visitor, hubUrl: string, name: string, seed: number): Promise<void> {
  const joined = await visitor.request(`${hubUrl}/api/guest/join`, { json: { name } });
  if (joined.status !== 201) throw new Error(`guest join answered ${joined.status}`);
  const status = statusAnswer.parse(JSON.parse((await visitor.request(`${hubUrl}/api/guest/status`)).body));
  const word = SEARCH_WORDS[seed % SEARCH_WORDS.length]!;
  const found = searchAnswer.parse(
    JSON.parse((await visitor.request(`${hubUrl}/api/catalog/search?q=${encodeURIComponent(word)}`)).body),
  );
  // Rotate the results so guests do not all pick the same tracks.
  const uris = found.items.map((t) => t.uri);
  let picks = [...uris.slice(seed % Math.max(1, uris.length)), ...uris]
    .filter((u, i, all) => all.indexOf(u) === i)
    .slice(0, status.picks_per_turn);
  // Tracks played recently are refused (cooldown): drop the one named and try again.
  for (let tries = 0; tries < 5 && picks.length > 0; tries++) {
    const put = await visitor.request(`${hubUrl}/api/picks`, { method: 'PUT', json: { uris: picks } });
    if (put.status === 200) return;
    const cooling = cooldownAnswer.safeParse(JSON.parse(put.body));
    const uri = cooling.success ? cooling.data.error.details?.uri : undefined;
    if (put.status !== 409 || !uri) throw new Error(`picks answered ${put.status}`);
    picks = picks.filter((u) => u !== uri);
  }
}

export interface DemoCrowd {
  stop(): void;
}

/** Starts `size` simulated audience members against the hub at `hubUrl`. */
export function startDemoCrowd(sim: SimulatorState, hubUrl: string, size: number, log: Logger): DemoCrowd {
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  for (let i = 0; i < size; i++) {
    const id = `crowd-${i + 1}`;
    const guest = i % 2 === 1;
    const name = `${FIRST_NAMES[i % FIRST_NAMES.length]} (${guest ? 'guest' : 'demo'} ${i + 1})`;
    if (!guest && !sim.listeners.has(id)) sim.addListener(id, name, { startIndex: i * 3 + 1 });
    let turns = 0;
    const member = async () => {
      try {
        const visitor = guest ? new Visitor() : await logInThroughHub(hubUrl, id);
        if (guest) await joinAsGuest(visitor, hubUrl, name, i + turns++);
        // After a turn, come back to the end of the line a little later, like a real fan.
        const rejoin = setInterval(
          () => {
            void (async () => {
              if (stopped) return;
              const me = JSON.parse((await visitor.request(`${hubUrl}/api/me`)).body) as {
                queue: { state: string } | null;
              };
              if (me.queue?.state !== 'out') return;
              if (guest) await joinAsGuest(visitor, hubUrl, name, i + turns++);
              else await visitor.request(`${hubUrl}/api/queue/join`, { method: 'POST' });
            })().catch(() => undefined);
          },
          15_000 + i * 1000,
        );
        timers.push(rejoin);
      } catch (err) {
        log.warn(
          { listener: id, err: { message: (err as Error).message } },
          guest ? 'demo crowd guest could not join' : 'demo crowd member could not log in',
        );
      }
    };
    // Stagger arrivals so the line visibly fills up.
    timers.push(setTimeout(() => void member(), 500 + i * 700));
  }
  log.info({ size }, 'demo crowd arriving');
  return {
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
    },
  };
}
