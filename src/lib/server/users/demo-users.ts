// Demo mode only: the five sign-ins DESIGN.md promises, all with BEACON_DEMO_PASSWORD. They are
// created directly, not through the password policy: the default 'beacon-demo' is shorter than the
// 12-character minimum, and a demo password printed at start-up protects nothing anyway.
import type { Db } from '../db/index.js';
import type { Role } from '../auth/access.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { recordAudit } from '../audit/audit.repository.js';
import * as repo from './users.repository.js';
import { createUser } from './users.service.js';
import { logger } from '../log.js';

export const DEMO_USERS: Array<{ email: string; displayName: string; role: Role; divisions?: string[] }> = [
  { email: 'admin@beacon.demo', displayName: 'Avery Admin', role: 'admin' },
  { email: 'director@beacon.demo', displayName: 'Dana Director', role: 'leadership' },
  { email: 'coordinator.mountain@beacon.demo', displayName: 'Morgan Mountain', role: 'coordinator', divisions: ['mountain'] },
  { email: 'coordinator.pacific@beacon.demo', displayName: 'Parker Pacific', role: 'coordinator', divisions: ['pacific'] },
  { email: 'board@beacon.demo', displayName: 'Blair Board', role: 'board' }
];

/** Creates missing demo users; resets a demo user's password if it no longer is the demo password. */
export async function ensureDemoUsers(db: Db, password: string): Promise<void> {
  for (const demo of DEMO_USERS) {
    const existing = await repo.findUserForSignIn(db, demo.email);
    if (!existing) {
      await createUser(db, { ...demo, password }, { actorId: null, skipPasswordPolicy: true });
      continue;
    }
    if (existing.passwordHash && (await verifyPassword(existing.passwordHash, password))) continue;
    const passwordHash = await hashPassword(password);
    await db.transaction().execute(async (tx) => {
      await repo.updateUser(tx, existing.id, { passwordHash });
      await recordAudit(tx, { actorId: null, action: 'users.setPassword', entity: 'app_user', entityId: existing.id, after: { reason: 'demo password' } });
    });
  }
  const width = Math.max(...DEMO_USERS.map((u) => u.email.length));
  // The demo password is a published demo credential (shown so the demo can be tried), not a secret.
  logger().info(
    { users: DEMO_USERS.map((u) => `${u.email.padEnd(width)}  ${u.role}${u.divisions ? ` (${u.divisions.join(', ')})` : ''}`) },
    `demo sign-ins (password "${password}", from BEACON_DEMO_PASSWORD)`
  );
}
