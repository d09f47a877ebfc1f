// Input shapes for user management (tRPC inputs and the admin forms share them).
import { z } from 'zod';
import { divisionCodes, regionCodes } from '../../regions.js';
import { ROLES, type Role } from '../auth/access.js';
import { CLEAN_TEXT, CONTROL_CHARACTERS_MESSAGE, text } from '../../validation.js';

const unique = <T>(values: T[]) => [...new Set(values)];

export const emailInput = z
  .string({ required_error: 'Enter an email address.', invalid_type_error: 'Enter an email address.' })
  .regex(CLEAN_TEXT, CONTROL_CHARACTERS_MESSAGE)
  .trim()
  .toLowerCase()
  .max(254, 'Use at most 254 characters.')
  .email('Enter a valid email address.');
export const roleInput = z.enum(ROLES as [Role, ...Role[]], { errorMap: () => ({ message: `Choose a role: ${ROLES.join(', ')}.` }) });
export const displayNameInput = text({ min: 1, max: 100, tooShort: 'Enter a name.' });
export const divisionsInput = z.array(z.enum(divisionCodes)).max(divisionCodes.length).transform(unique);
export const statesInput = z.array(z.enum(regionCodes)).max(regionCodes.length).transform(unique);
export const userIdInput = text({ min: 1, max: 64, tooShort: 'Choose a user.' });

export const inviteUserInput = z
  .object({
    email: emailInput,
    role: roleInput,
    displayName: displayNameInput.optional(),
    divisions: divisionsInput.default([]),
    states: statesInput.default([])
  })
  .strict();

export const updateUserInput = z
  .object({
    userId: userIdInput,
    role: roleInput.optional(),
    displayName: displayNameInput.optional(),
    divisions: divisionsInput.optional(),
    states: statesInput.optional()
  })
  .strict()
  .refine((u) => u.role !== undefined || u.displayName !== undefined || u.divisions !== undefined || u.states !== undefined, {
    message: 'Nothing to change.'
  });

export const userRefInput = z.object({ userId: userIdInput }).strict();

export type InviteUserInput = z.infer<typeof inviteUserInput>;
export type UpdateUserInput = z.infer<typeof updateUserInput>;
