// Dollars as people type them ("$250,000", "1250000.5", "-5"; "12k" is not accepted) → integer cents,
// or null when it is not an amount. Client-safe.
export function dollarsToCents(typed: string): number | null {
  // A minus sign is kept (the server then says a budget cannot be negative).
  const t = typed.trim().replaceAll(',', '').replaceAll(' ', '');
  const sign = t.startsWith('-') ? -1 : 1;
  const s = t.replace(/^-/, '').replace(/^\$/, '');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  const [whole, frac = ''] = s.split('.');
  const cents = sign * (Number(whole) * 100 + Number(frac.padEnd(2, '0')));
  return Number.isSafeInteger(cents) ? cents : null;
}

/** Cents → what a dollars field shows ("250,000" or "1,250.50"). */
export function centsToDollars(cents: number): string {
  const whole = Math.trunc(cents / 100).toLocaleString('en-US');
  const frac = cents % 100;
  return frac ? `${whole}.${String(frac).padStart(2, '0')}` : whole;
}

export const NOT_AN_AMOUNT = 'Enter an amount in dollars, like 250,000.';
