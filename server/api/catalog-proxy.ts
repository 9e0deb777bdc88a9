/**
 * The seed project's proxy, made safe: `POST /api/spotify` (and `POST /`) with `{"endpoint"}` runs
 * one read-only catalog look-up with the app's client-credentials token. Only allow-listed paths
 * and query parameters pass; user, player and write endpoints, absolute URLs and path tricks are
 * refused with 400, and Spotify's errors are mapped, never echoed.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import type { AppDeps } from '../deps.js';
import { limit as limitBy } from '../http/rate-limits.js';

const ID = '[0-9A-Za-z]{22}';
const ALLOWED_PATHS: readonly RegExp[] = [
  /^\/v1\/search$/,
  /^\/v1\/(tracks|albums|artists|shows|episodes|audiobooks|chapters)$/,
  new RegExp(`^/v1/(tracks|albums|artists|shows|episodes|audiobooks|chapters)/${ID}$`),
  new RegExp(`^/v1/albums/${ID}/tracks$`),
  new RegExp(`^/v1/artists/${ID}/(albums|top-tracks)$`),
  new RegExp(`^/v1/(shows|audiobooks)/${ID}/(episodes|chapters)$`),
  /^\/v1\/browse\/new-releases$/,
  /^\/v1\/markets$/,
];
const ALLOWED_QUERY = new Set([
  'q',
  'type',
  'market',
  'limit',
  'offset',
  'ids',
  'include_groups',
  'include_external',
  'locale',
]);

const bodySchema = z.object({
  endpoint: z.string().min(1).max(2048),
  method: z.string().optional(),
});

/**
 * Checks an endpoint against the allow-list and answers its canonical path and query, or throws
 * `endpoint_not_allowed`. Rejects rather than normalises anything ambiguous.
 */
export function allowedEndpoint(endpoint: string): string {
  const refuse = (why: string) => new AppError('endpoint_not_allowed', { details: { reason: why } });
  if (!endpoint.startsWith('/v1/')) throw refuse('the endpoint must be a path starting with /v1/');
  // Traversal, encoded separators, fragments, credentials and control characters are never needed.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point of this test
  if (/\.\.|\/\/|\\|%2e|%2f|%5c|#|@|[\u0000-\u001f\u007f\s]/i.test(endpoint))
    throw refuse('the endpoint contains characters that are not allowed');
  const [pathPart, query = ''] = endpoint.split('?', 2) as [string, string | undefined];
  if (!ALLOWED_PATHS.some((re) => re.test(pathPart)))
    throw refuse('only read-only catalog paths (search, tracks, albums, artists, shows, episodes) are allowed');
  const params = new URLSearchParams(query);
  for (const key of params.keys()) {
    if (!ALLOWED_QUERY.has(key)) throw refuse(`the query parameter "${key}" is not allowed`);
  }
  const canonical = params.toString();
  return canonical ? `${pathPart}?${canonical}` : pathPart;
}

function mapSpotifyError(err: SpotifyError): AppError {
  switch (err.code) {
    case 'not_found':
      return new AppError('not_found', { message: 'Spotify has nothing at that endpoint.', cause: err });
    case 'bad_request':
      return new AppError('bad_request', { message: 'Spotify refused the request as malformed.', cause: err });
    case 'rate_limited':
      return new AppError('spotify_rate_limited', {
        cause: err,
        details: { retry_after_seconds: Math.ceil((err.retryAfterMs ?? 1000) / 1000) },
      });
    case 'unreachable':
      return new AppError('spotify_unreachable', { cause: err });
    case 'invalid_client':
      return new AppError('service_unavailable', {
        message: 'Catalog look-ups need the app’s client secret (SPOTIFY_CLIENT_SECRET).',
        cause: err,
      });
    default:
      return new AppError('spotify_error', { cause: err });
  }
}

export function catalogProxyRoutes(deps: AppDeps): Router {
  const { appToken, webApi } = deps;
  const router = Router();
  const limit = limitBy({ budget: deps.budgets.proxy, key: (req) => deps.clientIp(req) });

  async function lookUp(req: Request, res: Response) {
    const body = bodySchema.safeParse(req.body);
    if (!body.success)
      throw new AppError('invalid_body', {
        message: 'Send a JSON body like {"endpoint":"/v1/search?q=abba&type=artist"}.',
      });
    if (body.data.method !== undefined && body.data.method.toUpperCase() !== 'GET') {
      throw new AppError('endpoint_not_allowed', { message: 'Only GET look-ups are allowed.' });
    }
    const endpoint = allowedEndpoint(body.data.endpoint);
    try {
      // The app's one Spotify rate limit lives in the clients' gate (server/index.ts): no look-up
      // goes out before the 429 deadline any process recorded, and a 429 answered here is recorded
      // there, holding the poller and every other caller back too.
      let token = await appToken.get();
      let answer: unknown;
      try {
        answer = await webApi.get(endpoint, token);
      } catch (err) {
        // The cached app token was refused (revoked or expired early): fetch a new one, once.
        if (!(err instanceof SpotifyError && err.code === 'unauthorized')) throw err;
        appToken.invalidate();
        token = await appToken.get();
        answer = await webApi.get(endpoint, token);
      }
      res.set('Cache-Control', 'no-store').json(answer ?? {});
    } catch (err) {
      if (err instanceof SpotifyError) {
        throw mapSpotifyError(err);
      }
      throw err;
    }
  }

  router.post('/api/spotify', limit, lookUp);
  router.all('/api/spotify', () => {
    throw new AppError('endpoint_not_allowed', { message: 'Use POST with a JSON body {"endpoint":"/v1/..."}.' });
  });
  // Seed parity: the old server took the same body on `POST /`.
  router.post('/', limit, lookUp);
  return router;
}
