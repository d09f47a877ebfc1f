// Monthly sign-off (issue 21, item 4), as in DHIS2's data approval: per division and month, a
// completeness view (which aftercare centers reported survivor counts, whether outreach was logged),
// then leadership signs the month off, which locks it: the database refuses any write dated in it
// (period_approval and the period_lock_* triggers, SQLSTATE BC005) until an admin reopens it with a
// reason. Both are audited. Figures whose period and place cover a month not signed off are marked
// "Provisional" (docs/figures.md).
import type { Db } from '../db/index.js';
import { assertMayReadOperational, assertRole, type Role, type SessionUser } from '../auth/access.js';
import { DomainError, fieldError } from '../errors.js';
import { recordAudit } from '../audit/audit.repository.js';
import { divisionOf, divisions as allDivisions, type DivisionCode, type RegionCode } from '../../regions.js';
import { monthLabel } from '../../format.js';
import * as repo from './periods.repository.js';
import type { PeriodsLockInput, PeriodsStatusInput, PeriodsUnlockInput } from './periods.schemas.js';

/** Who signs months off (and so locks them). Reopening is for admins only. */
export const SIGN_OFF_ROLES: readonly Role[] = ['leadership', 'admin'];

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}
const firstOf = (month: string) => `${month}-01`;
const divisionName = (code: string) => allDivisions.find((d) => d.code === code)?.name ?? code;

/** The divisions a person follows here: coordinators their own (assigned, or holding an assigned state); others all. */
export function divisionsOf(user: SessionUser): DivisionCode[] {
  if (user.role !== 'coordinator') return allDivisions.map((d) => d.code);
  const own = new Set<string>([...user.divisions, ...user.states.map((s) => divisionOf(s as RegionCode))]);
  return allDivisions.map((d) => d.code).filter((c) => own.has(c));
}

export type PeriodStatus = 'not_ended' | 'open' | 'signed_off' | 'reopened';

export async function periodsStatus(db: Db, actor: SessionUser, input: PeriodsStatusInput) {
  assertMayReadOperational(actor, 'Monthly sign-off is for leadership, coordinators and admins.');
  const currentMonth = (await localTodayMonth(db));
  const to = input.to ?? currentMonth;
  const from = addMonths(to, -(input.months - 1));
  const divisions = divisionsOf(actor);
  const [approvals, centers, outreach] = await Promise.all([
    repo.approvals(db, divisions, firstOf(from), firstOf(to)),
    repo.centerCompleteness(db, divisions, firstOf(from), firstOf(to)),
    repo.outreachCounts(db, divisions, firstOf(from), firstOf(to))
  ]);
  const months = Array.from({ length: input.months }, (_, i) => addMonths(to, -i));
  const key = (d: string, m: string) => `${d} ${m}`;
  const approvalOf = new Map(approvals.map((a) => [key(a.division, a.month), a]));
  const centersOf = new Map(centers.map((c) => [key(c.division, c.month), c]));
  const outreachOf = new Map(outreach.map((o) => [key(o.division, o.month), o.events]));
  return {
    currentMonth,
    months,
    mayLock: SIGN_OFF_ROLES.includes(actor.role),
    mayUnlock: actor.role === 'admin',
    divisions: divisions.map((division) => ({
      division,
      name: divisionName(division),
      cells: months.map((month) => {
        const a = approvalOf.get(key(division, month));
        const c = centersOf.get(key(division, month));
        const events = outreachOf.get(key(division, month)) ?? 0;
        const status: PeriodStatus = month >= currentMonth ? 'not_ended' : a?.locked ? 'signed_off' : a?.reopenedAt ? 'reopened' : 'open';
        const openItems: string[] = [];
        if (c && c.reported < c.expected) openItems.push(`${c.expected - c.reported} of ${c.expected} aftercare centers have not reported survivor counts`);
        if (events === 0) openItems.push('No outreach events logged');
        return {
          month,
          status,
          centers: { expected: c?.expected ?? 0, reported: c?.reported ?? 0, missing: c?.missing ?? [] },
          outreachEvents: events,
          openItems,
          signedOff: a ? { byName: a.approvedByName, at: a.approvedAt } : null,
          reopened: a?.reopenedAt ? { byName: a.reopenedByName, at: a.reopenedAt, reason: a.reopenReason } : null
        };
      })
    }))
  };
}

async function localTodayMonth(db: Db): Promise<string> {
  return (await repo.localToday(db)).slice(0, 7);
}

/** Leadership (or an admin) signs a division's month off: it is locked from now on. Audited. */
export async function lockPeriod(db: Db, actor: SessionUser, input: PeriodsLockInput) {
  assertRole(actor, SIGN_OFF_ROLES, 'Months are signed off by leadership and admins.');
  const currentMonth = await localTodayMonth(db);
  const name = divisionName(input.division);
  if (input.month >= currentMonth) {
    throw fieldError('month', `${monthLabel(input.month)} has not ended yet: only a month that has ended can be signed off.`);
  }
  return db.transaction().execute(async (tx) => {
    const before = await repo.lockApproval(tx, input.division, firstOf(input.month));
    if (before?.locked) {
      throw new DomainError('CONFLICT', `${monthLabel(input.month)} is already signed off for the ${name} division${before.approvedByName ? ` (by ${before.approvedByName})` : ''}.`);
    }
    const id = await repo.signOff(tx, input.division, firstOf(input.month), actor.id);
    await recordAudit(tx, {
      actorId: actor.id, action: 'periods.lock', entity: 'period_approval', entityId: id,
      before: before ? { division: input.division, month: input.month, status: 'reopened' } : null,
      after: { division: input.division, month: input.month, status: 'signed_off' }
    });
    return { id, division: input.division, month: input.month, status: 'signed_off' as const };
  });
}

/** An admin reopens a signed-off month, with a reason: writes dated in it are accepted again. Audited. */
export async function unlockPeriod(db: Db, actor: SessionUser, input: PeriodsUnlockInput) {
  assertRole(actor, ['admin'], 'Only an admin can reopen a signed-off month.');
  const name = divisionName(input.division);
  return db.transaction().execute(async (tx) => {
    const before = await repo.lockApproval(tx, input.division, firstOf(input.month));
    if (!before?.locked) throw fieldError('month', `${monthLabel(input.month)} is not signed off for the ${name} division: there is nothing to reopen.`);
    await repo.reopen(tx, before.id, actor.id, input.reason);
    await recordAudit(tx, {
      actorId: actor.id, action: 'periods.unlock', entity: 'period_approval', entityId: before.id,
      before: { division: input.division, month: input.month, status: 'signed_off', signedOffBy: before.approvedBy, signedOffAt: before.approvedAt },
      after: { division: input.division, month: input.month, status: 'reopened', reason: input.reason }
    });
    return { id: before.id, division: input.division, month: input.month, status: 'reopened' as const };
  });
}
