// Monthly survivor counts per aftercare center: aggregate numbers only, never anything about a
// person. Coordinators enter them for the centers of their regions; leadership and admins for any.
import type { Db } from '../db/index.js';
import { assertCanEditState, assertMayReadOperational, assertRole, canEditState, OPERATIONAL_ROLES, type SessionUser } from '../auth/access.js';
import { DomainError, fieldError } from '../errors.js';
import { refusing } from '../db/refusals.js';
import { recordAudit } from '../audit/audit.repository.js';
import { statesIn, type DivisionCode } from '../../regions.js';
import { num } from '../../format.js';
import * as repo from './survivors.repository.js';
import type { SurvivorCountSetInput } from './survivors.schemas.js';

/** A value above this many times the center's median month asks for confirmation. */
export const OUTLIER_FACTOR = 3;
/** The median means something only with this many other months reported. */
export const OUTLIER_MIN_MONTHS = 3;
const LABELS: Record<repo.Measure, string> = {
  served: 'Survivors served', newIntakes: 'New intakes', bedNights: 'Bed nights', exitsToSafeHousing: 'Exits to safe housing'
};
const COMPLETENESS_MONTHS = 12;

const firstOf = (month: string) => `${month}-01`;
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}

export async function listSurvivorCounts(db: Db, actor: SessionUser, input: { division: string; month: string }) {
  assertMayReadOperational(actor, 'Survivor counts per center are operational detail; board members see the published figures in snapshots.');
  const states = statesIn(input.division as DivisionCode);
  const currentMonth = (await repo.localToday(db)).slice(0, 7);
  const [centers, months] = await Promise.all([
    repo.centersWithMonth(db, states, firstOf(input.month)),
    repo.completeness(db, states, firstOf(addMonths(currentMonth, -(COMPLETENESS_MONTHS - 1))), firstOf(currentMonth))
  ]);
  return {
    month: input.month,
    currentMonth,
    // Exact counts only where the reader may enter them (docs/figures.md, "Operational view"): a
    // coordinator sees whether other regions' centers reported, not what.
    centers: centers.map((c) => ({
      id: c.id, name: c.name, state: c.state, city: c.city, vettingStatus: c.vettingStatus,
      reported: c.countId !== null, mayEnter: canEditState(actor, c.state),
      counts: c.countId === null || !canEditState(actor, c.state) ? null : { served: c.served!, newIntakes: c.newIntakes!, bedNights: c.bedNights!, exitsToSafeHousing: c.exitsToSafeHousing, reportedAt: c.reportedAt! }
    })),
    months
  };
}

/**
 * Records (or corrects) one center's counts for one month. A month that has not begun is refused
 * (here and by the database); a value more than 3× the center's median month is saved only when
 * the caller confirms it (field `confirmed`).
 */
export async function setSurvivorCount(db: Db, actor: SessionUser, input: SurvivorCountSetInput) {
  assertRole(actor, OPERATIONAL_ROLES);
  const center = await repo.findCenter(db, input.centerId);
  if (!center) throw new DomainError('NOT_FOUND', `Aftercare center ${input.centerId} does not exist.`);
  assertCanEditState(actor, center.state);
  if (center.kind !== 'aftercare_center') throw fieldError('centerId', `"${center.name}" is not an aftercare center: only aftercare centers report survivor counts.`);
  const currentMonth = (await repo.localToday(db)).slice(0, 7);
  if (input.month > currentMonth) throw fieldError('month', 'That month has not begun yet: counts are reported for past or current months.');
  const month = firstOf(input.month);
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const before = await repo.lockMonth(tx, center.id, month);
      const median = await repo.medians(tx, center.id, month);
      if (!input.confirmed && median.months >= OUTLIER_MIN_MONTHS) {
        const fieldErrors: Record<string, string[]> = {};
        for (const m of Object.keys(LABELS) as repo.Measure[]) {
          const usual = median[m];
          if (usual === null || input[m] <= OUTLIER_FACTOR * Number(usual) || input[m] === 0) continue;
          fieldErrors[m] = [`${num(input[m])} is more than ${OUTLIER_FACTOR}× this center's usual month (median ${num(Math.round(Number(usual) * 10) / 10)}). Check it, then confirm.`];
        }
        const names = Object.keys(fieldErrors).map((m) => LABELS[m as repo.Measure].toLowerCase());
        if (names.length) {
          const message = `Far above this center's usual month: ${names.join(', ')}. Confirm the ${names.length === 1 ? 'value' : 'values'} to save.`;
          throw new DomainError('BAD_REQUEST', message, { fieldErrors: { ...fieldErrors, confirmed: [message] } });
        }
      }
      const row = await repo.upsertMonth(tx, { centerId: center.id, month, served: input.served, newIntakes: input.newIntakes, bedNights: input.bedNights, exitsToSafeHousing: input.exitsToSafeHousing });
      const pick = (r: { served: number; newIntakes: number; bedNights: number; exitsToSafeHousing: number | null }) =>
        ({ served: r.served, newIntakes: r.newIntakes, bedNights: r.bedNights, exitsToSafeHousing: r.exitsToSafeHousing });
      await recordAudit(tx, { actorId: actor.id, action: 'survivorCounts.set', entity: 'survivor_count', entityId: row.id, state: row.state,
        before: before ? { centerId: center.id, center: center.name, month: input.month, ...pick(before) } : null,
        after: { centerId: center.id, center: center.name, month: input.month, ...pick(row), ...(input.confirmed ? { confirmed: true } : {}) } });
      return { id: row.id, centerId: center.id, month: input.month, ...pick(row) };
    })
  );
}
