// Migrations are listed statically (not read from disk) so the same list works under Vite, in the
// adapter-node bundle and in tsx scripts. Names sort by date; add new ones at the end.
import type { Migration } from 'kysely/migration';
import * as domain from './2026-11-28-01-domain.js';
import * as rollups from './2026-11-28-02-rollups.js';
import * as changeLog from './2026-11-28-03-change-log.js';
import * as access from './2026-11-28-04-access.js';
import * as live from './2026-11-28-05-live.js';
import * as collaboration from './2026-11-28-06-collaboration.js';
import * as dashboards from './2026-11-28-07-dashboards.js';
import * as overviewGrain from './2026-11-28-08-overview-grain.js';
import * as snapshots from './2026-11-28-09-snapshots.js';
import * as disbursedAmounts from './2026-12-03-01-disbursed-amounts.js';
import * as signInThrottle from './2026-12-03-02-sign-in-throttle.js';
import * as periods from './2026-12-03-03-periods.js';
import * as notifyWriteTime from './2026-12-03-04-notify-write-time.js';
import * as disclosureKey from './2026-12-03-05-disclosure-key.js';
import * as accounts from './2026-12-03-08-accounts.js';
import * as eventPeriodRollups from './2026-12-04-01-event-period-rollups.js';
import * as paidUnitsGrain from './2026-12-04-02-paid-units-grain.js';
import * as kioskLinks from './2026-12-04-10-kiosk-links.js';
import * as dataEntry from './2026-12-04-20-data-entry.js';
import * as fundingIntake from './2026-12-05-01-funding-intake.js';
import * as paymentsCorrections from './2026-12-05-02-payments-corrections.js';
import * as needUnits from './2026-12-05-03-need-units.js';
import * as notifications from './2026-12-05-10-notifications.js';
import * as imports from './2026-12-05-20-imports.js';
import * as snapshotSubscribers from './2026-12-05-30-snapshot-subscribers.js';
import * as paidPartnerYear from './2026-12-05-40-paid-partner-year.js';
import * as constantTimeZone from './2026-12-06-01-constant-time-zone.js';
import * as strictTimeZone from './2026-12-06-02-strict-time-zone.js';
import * as deferredTimeRollups from './2026-12-06-03-deferred-time-rollups.js';
import * as deferredRollupsHashed from './2026-12-06-04-deferred-rollups-hashed.js';
import * as decisionReason from './2026-12-06-10-decision-reason.js';
import * as overviewReadIndexes from './2026-12-06-40-overview-read-indexes.js';
import * as moveYearGrain from './2026-12-06-41-move-year-grain.js';
import * as signOff from './2026-12-07-10-sign-off.js';
import * as signOffRangeChecks from './2026-12-07-11-sign-off-range-checks.js';
import * as alerts from './2026-12-07-20-alerts.js';
import * as annotations from './2026-12-07-30-annotations.js';
import * as importSetBased from './2026-12-07-40-import-set-based.js';
import * as deliveredUnitsGrain from './2026-12-07-50-delivered-units-grain.js';
import * as alertDifferences from './2026-12-08-10-alert-differences.js';

export const migrations: Record<string, Migration> = {
  '2026-11-28-01-domain': domain,
  '2026-11-28-02-rollups': rollups,
  '2026-11-28-03-change-log': changeLog,
  '2026-11-28-04-access': access,
  '2026-11-28-05-live': live,
  '2026-11-28-06-collaboration': collaboration,
  '2026-11-28-07-dashboards': dashboards,
  '2026-11-28-08-overview-grain': overviewGrain,
  '2026-11-28-09-snapshots': snapshots,
  '2026-12-03-01-disbursed-amounts': disbursedAmounts,
  '2026-12-03-02-sign-in-throttle': signInThrottle,
  '2026-12-03-03-periods': periods,
  '2026-12-03-04-notify-write-time': notifyWriteTime,
  '2026-12-03-05-disclosure-key': disclosureKey,
  '2026-12-03-08-accounts': accounts,
  '2026-12-04-01-event-period-rollups': eventPeriodRollups,
  '2026-12-04-02-paid-units-grain': paidUnitsGrain,
  '2026-12-04-10-kiosk-links': kioskLinks,
  '2026-12-04-20-data-entry': dataEntry,
  '2026-12-05-01-funding-intake': fundingIntake,
  '2026-12-05-02-payments-corrections': paymentsCorrections,
  '2026-12-05-03-need-units': needUnits,
  '2026-12-05-10-notifications': notifications,
  '2026-12-05-20-imports': imports,
  '2026-12-05-30-snapshot-subscribers': snapshotSubscribers,
  '2026-12-05-40-paid-partner-year': paidPartnerYear,
  '2026-12-06-01-constant-time-zone': constantTimeZone,
  '2026-12-06-02-strict-time-zone': strictTimeZone,
  '2026-12-06-03-deferred-time-rollups': deferredTimeRollups,
  '2026-12-06-04-deferred-rollups-hashed': deferredRollupsHashed,
  '2026-12-06-10-decision-reason': decisionReason,
  '2026-12-06-40-overview-read-indexes': overviewReadIndexes,
  '2026-12-06-41-move-year-grain': moveYearGrain,
  '2026-12-07-10-sign-off': signOff,
  '2026-12-07-11-sign-off-range-checks': signOffRangeChecks,
  '2026-12-07-20-alerts': alerts,
  '2026-12-07-30-annotations': annotations,
  '2026-12-07-40-import-set-based': importSetBased,
  '2026-12-07-50-delivered-units-grain': deliveredUnitsGrain,
  '2026-12-08-10-alert-differences': alertDifferences
};
