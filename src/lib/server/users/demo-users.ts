// Demo mode only: the sign-ins DESIGN.md promises (and a second coordinator in each demo division, so
// two people share a region), all with the demo password (demo-password.ts).
// They are created directly, not through the password policy: a BEACON_DEMO_PASSWORD chosen for a
// local demo may be shorter than the 12-character minimum.
import type { Db } from '../db/index.js';
import type { Role } from '../auth/access.js';
import { verifyPassword } from '../auth/password.js';
import type { DemoPassword } from './demo-password.js';
import * as repo from './users.repository.js';
import { createUser } from './users.service.js';
import { logger } from '../log.js';

export const DEMO_USERS: Array<{ email: string; displayName: string; role: Role; divisions?: string[] }> = [
  { email: 'admin@beacon.demo', displayName: 'Avery Admin', role: 'admin' },
  { email: 'director@beacon.demo', displayName: 'Dana Director', role: 'leadership' },
  { email: 'coordinator.mountain@beacon.demo', displayName: 'Morgan Mountain', role: 'coordinator', divisions: ['mountain'] },
  { email: 'coordinator.pacific@beacon.demo', displayName: 'Parker Pacific', role: 'coordinator', divisions: ['pacific'] },
  { email: 'coordinator2.mountain@beacon.demo', displayName: 'Riley Ridge', role: 'coordinator', divisions: ['mountain'] },
  { email: 'coordinator2.pacific@beacon.demo', displayName: 'Casey Coast', role: 'coordinator', divisions: ['pacific'] },
  { email: 'board@beacon.demo', displayName: 'Blair Board', role: 'board' }
];

/**
 * Creates the demo users that are missing, with `password`. Never changes an existing user's
 * password: one changed since (by its owner, or a demo made with another password) stays changed.
 * Prints the sign-ins, marking those the printed password no longer opens.
 */
export async function ensureDemoUsers(db: Db, demo: DemoPassword): Promise<void> {
  const changed = new Set<string>();
  for (const user of DEMO_USERS) {
    const existing = await repo.findUserForSignIn(db, user.email);
    if (!existing) {
      await createUser(db, { ...user, password: demo.password }, { actorId: null, skipPasswordPolicy: true });
      continue;
    }
    if (!existing.passwordHash || !(await verifyPassword(existing.passwordHash, demo.password))) changed.add(user.email);
  }
  const width = Math.max(...DEMO_USERS.map((u) => u.email.length));
  // A banner for the person trying the demo, on stderr: stdout carries the JSON log, which never
  // holds a password.
  process.stderr.write(
    [`[beacon] demo sign-ins (password "${demo.password}", ${demo.source}):`,
      ...DEMO_USERS.map((u) => `[beacon]   ${u.email.padEnd(width)}  ${u.role}${u.divisions ? ` (${u.divisions.join(', ')})` : ''}` +
        (changed.has(u.email) ? '  — has another password (set earlier, never reset)' : ''))].join('\n') + '\n'
  );
  logger().info({ users: DEMO_USERS.length, changed: changed.size }, 'demo sign-ins ready (listed on stderr)');
}

/** What the sign-in page lists in demo mode: each demo account's email, role and divisions — never a password. */
export function demoAccounts(): Array<{ email: string; role: Role; divisions: string[] }> {
  return DEMO_USERS.map((u) => ({ email: u.email, role: u.role, divisions: u.divisions ?? [] }));
}
