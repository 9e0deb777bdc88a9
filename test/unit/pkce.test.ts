import { codeChallengeS256, createCodeVerifier, createState, VERIFIER_PATTERN } from '../../shared/spotify/pkce.js';

describe('PKCE', () => {
  it('matches the RFC 7636 Appendix B example', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('creates verifiers of 43 to 128 unreserved characters, different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const v = createCodeVerifier();
      expect(v).toMatch(VERIFIER_PATTERN);
      seen.add(v);
    }
    expect(seen.size).toBe(200);
  });

  it('creates unguessable states', () => {
    const a = createState();
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(createState()).not.toBe(a);
  });
});
