import { divisionCodes, divisionOf, type DivisionCode, type RegionCode } from '$lib/regions.js';
import type { SessionUser } from './access.js';

/** The division a collaboration page shows: the one asked for, else the user's own, else the first. */
export function workingDivision(user: SessionUser, asked: string | null): DivisionCode {
  if (asked && (divisionCodes as readonly string[]).includes(asked)) return asked as DivisionCode;
  const own = user.divisions[0] ?? (user.states[0] ? divisionOf(user.states[0] as RegionCode) : undefined);
  return (own as DivisionCode | undefined) ?? divisionCodes[0];
}
