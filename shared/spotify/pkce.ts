/**
 * Proof Key for Code Exchange, RFC 7636 (https://www.rfc-editor.org/rfc/rfc7636), S256 only.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
export const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;
/** The S256 challenge is base64url(SHA-256) without padding: always 43 characters. */
export const CHALLENGE_PATTERN = /^[A-Za-z0-9\-_]{43}$/;

/** A code verifier from 64 CSPRNG bytes: 86 base64url characters, all in the unreserved set. */
export function createCodeVerifier(): string {
  return randomBytes(64).toString('base64url');
}

/** RFC 7636 §4.2: `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`. */
export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An opaque CSRF `state` value (RFC 6749 §10.12) from 32 CSPRNG bytes. */
export function createState(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of two strings of any length. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}
