// Client-safe display helpers.
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const count = new Intl.NumberFormat('en-US');

export function money(cents: number): string {
  return usd.format(Math.round(cents / 100));
}

export function num(n: number): string {
  return count.format(n);
}

/** 'survivor_basic_needs' → 'Survivor basic needs' */
export function label(value: string): string {
  const words = value.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function dateTime(d: Date | string): string {
  return new Date(d).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'medium' });
}
