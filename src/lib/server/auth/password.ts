// Passwords: argon2id (OWASP's baseline parameters: 19 MiB, 2 passes, 1 lane), a length floor and
// a list of common passwords. The hash string carries its parameters, so they can be raised later
// without breaking stored hashes.
import { hash, verify } from '@node-rs/argon2';
import common from './common-passwords.json' with { type: 'json' };

export const PASSWORD_MIN_LENGTH = 12;
/** Bounds the work one request can ask argon2 for. */
export const PASSWORD_MAX_LENGTH = 256;

const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

const commonPasswords = new Set(common.passwords);

/** Also catches the usual dressing-up of a common password: trailing digits or symbols, or case. */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  const stripped = lower.replace(/[\d\s!@#$%^&*()_+=.,;:?~-]+$/, '');
  return commonPasswords.has(lower) || (stripped.length > 0 && commonPasswords.has(stripped)) || /^(.)\1*$/.test(lower);
}

/** The reason a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, context: { email?: string; displayName?: string } = {}): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (isCommonPassword(password)) return 'This password is too common; choose one that is harder to guess.';
  const lower = password.toLowerCase();
  const personal = [context.email, context.email?.split('@')[0], context.displayName].filter((s): s is string => !!s && s.length >= 4);
  if (personal.some((p) => lower === p.toLowerCase())) return 'Do not use your email address or name as your password.';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (password.length > PASSWORD_MAX_LENGTH) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is a wrong password, never a crash or a hint.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same argon2 work as a real check, for unknown emails and accounts without a password,
 * so response time does not tell whether an account exists. Always false.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hash('beacon: no such account, dummy hash for timing', ARGON2);
  await verifyPassword(await dummyHash, password.slice(0, PASSWORD_MAX_LENGTH));
  return false;
}
