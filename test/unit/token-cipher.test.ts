import { randomBytes } from 'node:crypto';
import { TokenCipher, TokenDecryptionError } from '../../shared/crypto/token-cipher.js';

const key = randomBytes(32);

describe('token cipher', () => {
  it('round-trips a value and never stores it in clear', () => {
    const cipher = new TokenCipher(key);
    const sealed = cipher.encrypt('BQ-secret-access-token', 'ada');
    expect(sealed).not.toContain('BQ-secret');
    expect(cipher.decrypt(sealed, 'ada')).toBe('BQ-secret-access-token');
  });

  it('uses a fresh IV for each encryption', () => {
    const cipher = new TokenCipher(key);
    expect(cipher.encrypt('same', 'ada')).not.toBe(cipher.encrypt('same', 'ada'));
  });

  it.each([
    [
      'a flipped ciphertext byte',
      (s: string) => {
        const p = s.split('.');
        const b = Buffer.from(p[3]!, 'base64url');
        b[0]! ^= 1;
        p[3] = b.toString('base64url');
        return p.join('.');
      },
    ],
    [
      'a flipped tag byte',
      (s: string) => {
        const p = s.split('.');
        const b = Buffer.from(p[2]!, 'base64url');
        b[5]! ^= 0x80;
        p[2] = b.toString('base64url');
        return p.join('.');
      },
    ],
    ['a truncated value', (s: string) => s.slice(0, -4)],
    ['a wrong version', (s: string) => s.replace(/^v1/, 'v9')],
    ['garbage', () => 'not-a-sealed-value'],
  ])('detects tampering: %s', (_name, tamper) => {
    const cipher = new TokenCipher(key);
    const sealed = cipher.encrypt('refresh-token-value', 'ada');
    expect(() => cipher.decrypt(tamper(sealed), 'ada')).toThrow(TokenDecryptionError);
  });

  it('refuses a value copied onto another user', () => {
    const cipher = new TokenCipher(key);
    expect(() => cipher.decrypt(cipher.encrypt('x', 'ada'), 'grace')).toThrow(TokenDecryptionError);
  });

  it('refuses a value sealed under another key', () => {
    const sealed = new TokenCipher(randomBytes(32)).encrypt('x', 'ada');
    expect(() => new TokenCipher(key).decrypt(sealed, 'ada')).toThrow(TokenDecryptionError);
  });
});
