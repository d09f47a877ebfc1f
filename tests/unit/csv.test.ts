import { describe, expect, it } from 'vitest';
import { csvCell, csvRows, parseCsv } from '../../src/lib/csv.js';
import { buildCsv, parseCsvTable } from '../../src/lib/charts/chart-csv.js';
import { datasetsCsv } from '../../src/lib/snapshot-report.js';
import { FORMULA_PAYLOADS, PLAIN_NUMBERS } from '../helpers/formula-payloads.js';

// What a spreadsheet evaluates: a cell starting with one of these (OWASP CSV injection).
const DANGEROUS_START = /^[=+\-@\t\r]/;

/** Every parsed cell that would run as a formula (neither neutralised nor a plain number). */
function liveFormulas(rows: string[][]): string[] {
  return rows.flat().filter((c) => DANGEROUS_START.test(c) && !(PLAIN_NUMBERS as readonly string[]).includes(c) && !/^-?\d+(\.\d+)?$/.test(c));
}

describe('the CSV cell writer', () => {
  it.each(FORMULA_PAYLOADS)('neutralises %j with a leading apostrophe, text otherwise unchanged', (payload) => {
    const [[cell]] = parseCsv(csvRows([[payload]]));
    expect(cell).toBe(`'${payload}`);
  });

  it.each(PLAIN_NUMBERS)('keeps the plain number %s as written', (n) => {
    expect(parseCsv(csvRows([[n]]))).toEqual([[n]]);
  });

  it('keeps numbers numbers, empties empty', () => {
    expect(csvRows([[-12.5, 0, null, undefined, 1234.5, true]])).toBe('-12.5,0,,,1234.5,true\r\n');
  });

  it('quotes as RFC 4180: commas, quotes and line breaks inside quotes, quotes doubled, CRLF between records', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvRows([['x', 'y'], ['1']])).toBe('x,y\r\n1\r\n');
    const tricky = [['=1,2', 'a"b', 'line\r\nbreak', '']];
    expect(parseCsv(csvRows(tricky))).toEqual([["'=1,2", 'a"b', 'line\r\nbreak', '']]);
  });
});

describe('every export goes through it', () => {
  it('the dashboards chart CSV neutralises payloads in the title, filters, labels and series names', () => {
    const csv = buildCsv(
      {
        type: 'bar', labelHeader: 'Partner', format: 'dollars',
        labels: [...FORMULA_PAYLOADS, ...PLAIN_NUMBERS],
        series: [{ label: '-2+3+cmd|\' /C calc\'!A0', values: [...FORMULA_PAYLOADS.map(() => -12.5), ...PLAIN_NUMBERS.map(() => 1)] }]
      },
      { title: '=HYPERLINK("x")', period: '@SUM(1)', filters: [['Division', '+cmd']], asOf: '2026-01-01T00:00:00Z' }
    );
    const rows = parseCsv(csv);
    expect(liveFormulas(rows)).toEqual([]);
    const table = parseCsvTable(csv);
    expect(table.slice(1).map((r) => r[0])).toEqual([...FORMULA_PAYLOADS.map((p) => `'${p}`), ...PLAIN_NUMBERS]);
    expect(table.slice(1, 1 + FORMULA_PAYLOADS.length).every((r) => r[1] === '-12.5')).toBe(true);
  });

  it('the snapshot CSV neutralises payloads in the header and in every table cell', () => {
    const datasets = {
      aftercare: {
        oldestCritical: FORMULA_PAYLOADS.map((title, i) => ({ id: i + 1, title, state: 'CO', daysOpen: -1 - i, estimatedCostCents: -1250 }))
      }
    };
    const csv = datasetsCsv(
      { title: '=1+1', period: '+cmd', asOf: '2026-01-01T00:00:00Z', filters: '@A1', seq: 1, integrity: '-2+3+cmd' },
      datasets
    );
    const rows = parseCsv(csv);
    expect(liveFormulas(rows)).toEqual([]);
    for (const payload of FORMULA_PAYLOADS) expect(rows.flat()).toContain(`'${payload}`);
    expect(rows.flat()).toContain('-12.5'); // -1250 cents in dollars: a number, untouched
  });
});
