// The goods a request pays for (in-kind lines) and their deliveries. A request of a category that
// pays for items (detection K9, forensic hardware, extraction software, training scholarship, lab
// equipment) gets one line of its category's item: its units are the request's units and its unit
// cost the requested amount shared over them. A K9 "with handler course" also carries the handler's
// training seat (a line of another item, counted on neither impact tile), and the K9 line carries the
// rest of the amount. Deliveries follow what funding.deliver allows: only on a paid request (disbursed
// or reported), on a day after the first payment and before the anchor day (never in the future).
// Drawn from their own random stream, so the rest of the seeded world is unchanged.
import type { InKindItem } from '../../funding-labels.js';
import { ITEM_OF_CATEGORY } from '../funding/funding.repository.js';
import { DAY, dayStart, isoDate, type SeedCalendar } from './calendar.js';
import type { Random } from './random.js';
import type { RequestPlan } from './requests.js';

export interface InKindLinePlan {
  request: RequestPlan;
  item: InKindItem;
  units: number;
  unitCostCents: number;
  deliveredOn: string | null;
  deliveryNote: string | null;
}

/** Days from the first payment to delivery: [min, max], and the share of lines ever confirmed delivered. */
const DELIVERY: Record<InKindItem, { days: readonly [number, number]; confirmed: number; notes: readonly string[] }> = {
  detection_k9: {
    days: [45, 150],
    confirmed: 0.9,
    notes: ['K9 deployed with the task force', 'K9 and handler certified, on duty', 'K9 delivered after imprinting and handler course']
  },
  forensic_device: {
    days: [7, 60],
    confirmed: 0.92,
    notes: ['Devices received', 'Devices received and imaged into the lab inventory', 'Field kits received, in use']
  },
  extraction_license: {
    days: [1, 21],
    confirmed: 0.95,
    notes: ['Licenses activated', 'License keys received and installed', 'Seats assigned to examiners']
  },
  training_seat: {
    days: [20, 150],
    confirmed: 0.88,
    notes: ['Course completed', 'Officers completed the course', 'Certificates received from the training provider']
  },
  lab_equipment: {
    days: [21, 120],
    confirmed: 0.9,
    notes: ['Equipment installed', 'Equipment received and validated', 'Installed and in use in the lab']
  }
};

/** A K9 title that names the handler's course ("… K9 with handler course"). */
const withHandlerCourse = (r: RequestPlan) => r.category === 'detection_k9' && /handler course/i.test(r.title);

function delivery(random: Random, cal: SeedCalendar, item: InKindItem, firstPaidMs: number | null) {
  // Drawn for every line (paid or not), so one request's draws never shift another's.
  const spec = DELIVERY[item];
  const days = random.int(spec.days[0], spec.days[1]);
  const confirmed = random.chance(spec.confirmed);
  const note = random.pick(spec.notes);
  if (firstPaidMs === null || !confirmed) return { deliveredOn: null, deliveryNote: null };
  const onMs = dayStart(firstPaidMs) + days * DAY;
  // Data ends the day before the anchor: a delivery not yet due is simply not confirmed yet.
  if (onMs >= cal.horizonMs) return { deliveredOn: null, deliveryNote: null };
  return { deliveredOn: isoDate(onMs), deliveryNote: note };
}

export function planInKindLines(random: Random, cal: SeedCalendar, requests: RequestPlan[]): InKindLinePlan[] {
  const lines: InKindLinePlan[] = [];
  for (const r of requests) {
    const item = ITEM_OF_CATEGORY[r.category];
    if (!item || !r.units) continue;
    // The payment that buys the goods: a request still in the pipeline, declined or withdrawn has none.
    const paid = r.moves.find((m) => m.to === 'disbursed');
    const firstPaidMs = paid ? paid.atMs : null;
    let rest = r.requestedCents;
    if (withHandlerCourse(r)) {
      const seatCents = Math.round(random.float(1_500, 3_500) / 50) * 50 * 100;
      const seat = delivery(random, cal, 'training_seat', firstPaidMs);
      // The handler trains with the dog: the course ends the day the K9 is delivered, or before.
      const k9 = delivery(random, cal, item, firstPaidMs);
      rest -= seatCents;
      lines.push({ request: r, item, units: r.units, unitCostCents: Math.round(rest / r.units), ...k9 });
      lines.push({
        request: r, item: 'training_seat', units: 1, unitCostCents: seatCents,
        ...(k9.deliveredOn ? { deliveredOn: seat.deliveredOn && seat.deliveredOn < k9.deliveredOn ? seat.deliveredOn : k9.deliveredOn, deliveryNote: 'Handler course completed' } : { deliveredOn: null, deliveryNote: null })
      });
      continue;
    }
    lines.push({ request: r, item, units: r.units, unitCostCents: Math.round(rest / r.units), ...delivery(random, cal, item, firstPaidMs) });
  }
  return lines;
}
