import { loadConfig } from '../../shared/config.js';
import { PALETTE_SWATCHES, type NowPlayingItem } from '../../shared/events.js';
import { artUrlPolicyFor, isAllowedArtUrl, type ArtUrlPolicy } from '../../workers/palette/art-url-policy.js';
import { computePalette } from '../../workers/palette/palette-compute.js';
import { largestImageUrl } from '../../workers/palette/palette-service.js';
import { carryPalette } from '../../workers/palette/palette-follow-up.js';
import { hexToUnitRgb } from '../../workers/bridge/osc-output.js';
import { distance, halvesPng, rgbOf, solidPng } from '../helpers/images.js';

const RED = [230, 20, 20] as const;
const DARK_GREEN = [10, 80, 20] as const;
const GREY = [128, 128, 128] as const;

describe('palette from known images', () => {
  it('finds a solid saturated colour as the vibrant swatch, and a darker one of the same hue', async () => {
    const p = await computePalette(await solidPng(RED));
    expect(Object.keys(p)).toEqual([...PALETTE_SWATCHES]);
    for (const v of Object.values(p)) expect(v === null || /^#[0-9a-f]{6}$/.test(v)).toBe(true);
    expect(distance(rgbOf(p.vibrant), RED)).toBeLessThanOrEqual(25);
    const dark = rgbOf(p.dark_vibrant);
    expect(dark[0]).toBeLessThan(RED[0]);
    expect(dark[0]).toBeGreaterThan(dark[1] + 50);
  });

  it('finds a grey image muted, with no vibrant swatches', async () => {
    const p = await computePalette(await solidPng(GREY));
    expect(distance(rgbOf(p.muted), GREY)).toBeLessThanOrEqual(10);
    expect([p.vibrant, p.dark_vibrant, p.light_vibrant]).toEqual([null, null, null]);
  });

  it('finds both colours of a two-colour image: vivid red as vibrant, dark green as dark vibrant', async () => {
    const p = await computePalette(await halvesPng(RED, DARK_GREEN));
    expect(distance(rgbOf(p.vibrant), RED)).toBeLessThanOrEqual(25);
    expect(distance(rgbOf(p.dark_vibrant), DARK_GREEN)).toBeLessThanOrEqual(25);
  });

  it('refuses bytes that are not an image', async () => {
    await expect(computePalette(Buffer.from('<html>not an image</html>'))).rejects.toThrow();
  });

  it('converts a swatch to OSC floats in 0..1', () => {
    expect(hexToUnitRgb('#ff8000')).toEqual([1, 128 / 255, 0]);
    expect(hexToUnitRgb(null)).toBeNull();
    expect(hexToUnitRgb('red')).toBeNull();
  });

  it('takes the largest album image', () => {
    const images = [
      { url: 'a', width: 64, height: 64 },
      { url: 'b', width: 640, height: 640 },
      { url: 'c', width: 300, height: 300 },
    ];
    expect(largestImageUrl({ album: { id: null, name: 'x', images } })).toBe('b');
    expect(largestImageUrl({ album: { id: null, name: 'x', images: [] } })).toBeNull();
    expect(largestImageUrl(null)).toBeNull();
  });
});

describe('art URL policy', () => {
  const none: ArtUrlPolicy = { extraPrefixes: [] };
  const sim: ArtUrlPolicy = { extraPrefixes: ['http://127.0.0.1:4000/sim/images/'] };

  it('allows only https on Spotify’s art hosts', () => {
    expect(isAllowedArtUrl('https://i.scdn.co/image/ab67616d0000b273', none)).toBe(true);
    expect(isAllowedArtUrl('https://mosaic.scdn.co/640/ab67', none)).toBe(true);
    expect(isAllowedArtUrl('https://image-cdn-ak.spotifycdn.com/image/ab67', none)).toBe(true);
    expect(isAllowedArtUrl('http://i.scdn.co/image/ab67', none)).toBe(false);
    expect(isAllowedArtUrl('https://i.scdn.co:8443/image/ab67', none)).toBe(false);
    expect(isAllowedArtUrl('https://i.scdn.co.evil.example/image', none)).toBe(false);
    expect(isAllowedArtUrl('https://spotifycdn.com.evil.example/image', none)).toBe(false);
    expect(isAllowedArtUrl('https://evilspotifycdn.com/image', none)).toBe(false);
    expect(isAllowedArtUrl('https://user:pw@i.scdn.co/image/ab67', none)).toBe(false);
    expect(isAllowedArtUrl('https://169.254.169.254/latest/meta-data', none)).toBe(false);
    expect(isAllowedArtUrl('file:///etc/passwd', none)).toBe(false);
    expect(isAllowedArtUrl('not a url', none)).toBe(false);
  });

  it('allows the simulator’s art only under its image folder', () => {
    expect(isAllowedArtUrl('http://127.0.0.1:4000/sim/images/al1/640.png', sim)).toBe(true);
    expect(isAllowedArtUrl('http://127.0.0.1:4000/sim/images/../control/faults', sim)).toBe(false);
    expect(isAllowedArtUrl('http://127.0.0.1:4000/sim/api/v1/me', sim)).toBe(false);
    expect(isAllowedArtUrl('http://127.0.0.1:4000.evil.example/sim/images/x.png', sim)).toBe(false);
    expect(isAllowedArtUrl('http://127.0.0.1:4001/sim/images/x.png', sim)).toBe(false);
    expect(isAllowedArtUrl('http://127.0.0.1:4000/sim/images/al1/640.png', none)).toBe(false);
  });

  it('derives the simulator’s art folder from config: demo hub, standalone simulator, real Spotify', () => {
    const demo = loadConfig({ PORT: '4000' }, { dataDir: null });
    expect(artUrlPolicyFor(demo).extraPrefixes).toEqual(['http://127.0.0.1:4000/sim/images/']);
    const secrets = {
      SESSION_SECRET: 'a-long-session-secret-value',
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      OPERATOR_TOKEN: 'operator-token-0123456789',
      BRIDGE_TOKEN: 'bridge-token-0123456789',
    };
    const standalone = loadConfig(
      {
        SPOTIFY_CLIENT_ID: 'hubclient0001',
        SPOTIFY_API_URL: 'http://127.0.0.1:4001/api',
        SPOTIFY_ACCOUNTS_URL: 'http://127.0.0.1:4001/accounts',
        ...secrets,
      },
      { dataDir: null },
    );
    expect(artUrlPolicyFor(standalone).extraPrefixes).toEqual(['http://127.0.0.1:4001/images/']);
    const real = loadConfig({ SPOTIFY_CLIENT_ID: 'abcdef0123456789abcdef0123456789', ...secrets }, { dataDir: null });
    expect(artUrlPolicyFor(real).extraPrefixes).toEqual([]);
  });
});

describe('carrying a palette to the next payload', () => {
  const palette = {
    vibrant: '#ff0000',
    dark_vibrant: null,
    light_vibrant: null,
    muted: null,
    dark_muted: null,
    light_muted: null,
  };
  const item = (id: string, url = `https://i.scdn.co/image/${id}`): NowPlayingItem => ({
    type: 'track',
    id,
    uri: null,
    name: id,
    artists: [],
    album: { id: null, name: 'a', images: [{ url, width: 640, height: 640 }] },
    duration_ms: 1,
  });

  it('keeps the palette while the item and its cover stay the same', () => {
    expect(carryPalette({ item: { ...item('x'), palette } }, { item: item('x') }).item?.palette).toEqual(palette);
  });

  it('drops it for a new item or a new cover, and leaves a draft without an item alone', () => {
    expect(carryPalette({ item: { ...item('x'), palette } }, { item: item('y') }).item?.palette).toBeUndefined();
    expect(
      carryPalette({ item: { ...item('x'), palette } }, { item: item('x', 'https://i.scdn.co/image/other') }).item
        ?.palette,
    ).toBeUndefined();
    expect(carryPalette({ item: { ...item('x'), palette } }, { item: null }).item).toBeNull();
    expect(carryPalette(null, { item: item('x') }).item?.palette).toBeUndefined();
  });
});
