// Input shapes of the account procedures (tRPC inputs and the account forms share them).
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from './password.js';
import { displayNameInput } from '../users/users.schemas.js';

export const changePasswordInput = z
  .object({
    currentPassword: z.string({ required_error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(PASSWORD_MAX_LENGTH),
    newPassword: z.string({ required_error: 'Enter a new password.' }).min(1, 'Enter a new password.').max(PASSWORD_MAX_LENGTH + 1)
  })
  .strict();

export const changeNameInput = z.object({ displayName: displayNameInput }).strict();

export const sessionRefInput = z.object({ sessionId: z.string().regex(/^[0-9a-f]{64}$/, 'Choose a session.') }).strict();

export const totpCodeInput = z
  .object({ code: z.string().trim().regex(/^\d{6}$/, 'Type the 6 digits your app shows.') })
  .strict();
