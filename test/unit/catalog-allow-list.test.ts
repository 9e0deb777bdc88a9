import { allowedEndpoint } from '../../server/api/catalog-proxy.js';
import { AppError } from '../../shared/errors.js';

const ID = '4iV5W9uYEdYUVa79Axb7Rh';

describe('catalog allow-list', () => {
  it.each([
    '/v1/search?q=abba&type=artist',
    `/v1/tracks/${ID}`,
    `/v1/tracks?ids=${ID},${ID}`,
    `/v1/albums/${ID}`,
    `/v1/albums/${ID}/tracks?limit=10`,
    `/v1/artists/${ID}`,
    `/v1/artists/${ID}/top-tracks?market=DE`,
  ])('allows %s', (endpoint) => {
    expect(() => allowedEndpoint(endpoint)).not.toThrow();
  });

  it.each([
    ['an absolute URL', 'https://evil.example/v1/search'],
    ['a protocol-relative URL', '//evil.example/v1/search'],
    ['a traversal', '/v1/search/../me'],
    ['an encoded traversal', '/v1/tracks/%2e%2e/me'],
    ['the user profile', '/v1/me'],
    ['the player', '/v1/me/player/currently-playing'],
    ['another user', '/v1/users/ada/playlists'],
    ['a playlist write path', `/v1/playlists/${ID}/tracks`],
    ['a non-v1 path', '/api/token'],
    ['a backslash', '/v1\\me'],
    ['an unknown query parameter', '/v1/search?q=a&type=track&access_token=x'],
    ['a malformed id', '/v1/tracks/not-an-id'],
    ['whitespace', '/v1/search?q=a b'],
  ])('refuses %s', (_name, endpoint) => {
    expect(() => allowedEndpoint(endpoint)).toThrow(AppError);
    try {
      allowedEndpoint(endpoint);
    } catch (err) {
      expect((err as AppError).code).toBe('endpoint_not_allowed');
      expect((err as AppError).status).toBe(400);
    }
  });
});
