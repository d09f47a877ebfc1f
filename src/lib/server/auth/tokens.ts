// Secrets handed to a browser (session cookies, invitation links) are random tokens; the database
// keeps only their SHA-256, so a leaked table or backup yields nothing usable.
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url (43 characters, cookie- and URL-safe). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Shape check before any lookup: anything else cannot be one of our tokens. */
export function looksLikeToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** Opaque user ids: 15 random bytes as 30 hex characters (not secret, just unguessable). */
export function generateUserId(): string {
  return randomBytes(15).toString('hex');
}
