// TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits — what every authenticator app expects) and
// recovery codes. Codes from one step either side are accepted (clock drift); the step of the last
// accepted code is stored, so a code (or an older one) never works twice.
import { randomBytes, randomInt } from 'node:crypto';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { encodeBase32NoPadding } from '@oslojs/encoding';
import { renderSVG } from 'uqr';
import { hashToken } from './tokens.js';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** RFC 4226 recommends 160-bit keys for HMAC-SHA1. */
export const TOTP_KEY_BYTES = 20;
export const RECOVERY_CODE_COUNT = 10;

export function generateTotpKey(): Uint8Array {
  return new Uint8Array(randomBytes(TOTP_KEY_BYTES));
}

/** The key as people type it into an app: base32, in groups of four. */
export function formatTotpKey(key: Uint8Array): string {
  return encodeBase32NoPadding(key).match(/.{1,4}/g)!.join(' ');
}

export function totpUri(key: Uint8Array, accountName: string): string {
  return createTOTPKeyURI('Beacon', accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The otpauth:// URI as a QR code, an SVG drawn on the server (no script, no image request). */
export function totpQrSvg(uri: string): string {
  return renderSVG(uri, { border: 2, pixelSize: 5 });
}

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The time step a code belongs to (now, or one step either side), or null when it matches none or
 * was already used (its step is not after `lastStep`).
 */
export function matchTotp(key: Uint8Array, code: string, nowMs: number, lastStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const now = totpStep(nowMs);
  for (const step of [now, now - 1, now + 1]) {
    if (lastStep !== null && step <= lastStep) continue;
    if (constantTimeEqual(generateHOTP(key, BigInt(step), TOTP_DIGITS), code)) return step;
  }
  return null;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

// Recovery codes: 10 characters from an alphabet without look-alikes (≈ 50 bits each), shown as
// xxxxx-xxxxx; stored as SHA-256 of the normalised form (random, so no slow hash is needed).
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Case, spaces and the dash do not matter when a recovery code is typed. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

export function hashRecoveryCode(code: string): string {
  return hashToken(`recovery:${normaliseRecoveryCode(code)}`);
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{10}$/.test(normaliseRecoveryCode(code));
}
