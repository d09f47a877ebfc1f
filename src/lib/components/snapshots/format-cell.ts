// Display of one stored value: money from cents, counts with separators, enum values as words.
import { money, num, label } from '$lib/format.js';
import { isMoneyKey, rowName, SUPPRESSED, type Cell } from '$lib/snapshot-report.js';

export function formatCell(key: string, value: Cell): string {
  if (value === null) return '—';
  if (value === SUPPRESSED) return SUPPRESSED;
  if (typeof value === 'number') return isMoneyKey(key) ? money(value) : /percent/i.test(key) ? `${value}%` : num(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (key === 'state' || key === 'division') return rowName(key, value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return value.slice(0, 10);
  if (/^[a-z][a-z_]*$/.test(value)) return label(value);
  return value;
}

export function formatChange(money_: boolean, change: number | null): string {
  if (change === null) return '—';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '';
  return sign + (money_ ? money(Math.abs(change)) : num(Math.abs(change)));
}

export function formatPercent(percent: number | null): string {
  if (percent === null) return '—';
  return `${percent > 0 ? '+' : percent < 0 ? '−' : ''}${Math.abs(percent).toFixed(1)}%`;
}
