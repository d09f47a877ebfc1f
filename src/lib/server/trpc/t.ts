import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Context } from './context.js';
import type { DashboardTopic } from '$lib/realtime/events.js';
import { DomainError, type ConflictDetails } from '../errors.js';
import { dataExceptionRefusal, databaseRefusal, isDatabaseError, isLockedPeriodRefusal, lockedPeriodRefusal } from '../db/refusals.js';
import { metrics } from '../metrics.js';
import { mayReadOperational, type Role, type SessionUser } from '../auth/access.js';

const t = initTRPC.context<Context>().create({
  // Never dev mode: tRPC would put stack traces into error responses.
  isDev: false,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause.flatten() : null;
    const { stack: _stack, ...data } = shape.data as typeof shape.data & { stack?: string };
    const details = error.cause instanceof DomainError ? error.cause.details : undefined;
    // One place for a form's per-field messages, whether zod or a service (or the database) refused.
    const fieldErrors = (zodError?.fieldErrors ?? details?.fieldErrors ?? null) as Record<string, string[] | undefined> | null;
    const conflict = (details?.conflict ?? null) as ConflictDetails | null;
    return {
      ...shape,
      // Internal errors keep their details in the server log, not in the response.
      message: error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : shape.message,
      data: { ...data, zodError, fieldErrors, conflict }
    };
  }
});

/**
 * Maps typed domain errors to tRPC codes, and database refusals that slipped past the input rules
 * (a data exception such as NUL in text, a number or date out of range; a check constraint) to a 400
 * naming the field where the input shows it; anything else is an internal error.
 */
const domainErrors = t.middleware(async ({ next, rawInput }) => {
  const result = await next();
  if (result.ok) return result;
  let cause = result.error.cause;
  if (isDatabaseError(cause)) cause = dataExceptionRefusal(cause, rawInput) ?? databaseRefusal(cause) ?? cause;
  // A write dated in a signed-off month: the refusal goes beside the field that dates it.
  if (cause instanceof DomainError && isLockedPeriodRefusal(cause)) cause = lockedPeriodRefusal(cause, rawInput);
  if (cause instanceof DomainError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
  // Refused input: the message is the rules' plain words (tRPC's default is the issues as JSON).
  if (cause instanceof ZodError) throw new TRPCError({ code: 'BAD_REQUEST', message: [...new Set(cause.issues.map((i) => i.message))].join(' '), cause });
  return result;
});

/** Duration and outcome of every call, by procedure (never its input). */
const observed = t.middleware(async ({ path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const outcome = result.ok ? 'ok' : result.error.code;
  metrics().trpcDuration.observe({ procedure: path, type, outcome }, (performance.now() - started) / 1000);
  if (!result.ok) metrics().trpcErrors.inc({ procedure: path, code: result.error.code });
  return result;
});

/**
 * Every guarded procedure goes through here. A user who must enrol a second factor first
 * (BEACON_REQUIRE_2FA) gets nothing but the enrolment procedures.
 */
function requireUser(user: SessionUser | null, enrolling = false): SessionUser {
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  if (user.mustEnrolSecondFactor && !enrolling) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Set up two-factor sign-in first (Account → Two-factor sign-in).' });
  }
  return user;
}

/** A signed-in user of any role; narrows ctx.user to non-null. */
export const authed = t.middleware(({ ctx, next }) => next({ ctx: { ...ctx, user: requireUser(ctx.user) } }));
/** Signed in, and allowed even while a required second factor is not enrolled yet (enrolment itself). */
const authedWhileEnrolling = t.middleware(({ ctx, next }) => next({ ctx: { ...ctx, user: requireUser(ctx.user, true) } }));

/** A signed-in user with one of `roles` (UNAUTHORIZED when anonymous, FORBIDDEN for other roles). */
export function role(...roles: Role[]) {
  return t.middleware(({ ctx, next }) => {
    const user = requireUser(ctx.user);
    if (!roles.includes(user.role)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This needs one of these roles: ${roles.join(', ')}.` });
    }
    return next({ ctx: { ...ctx, user } });
  });
}

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;

// Every procedure starts from one of these. `publicProcedure` has no caller yet: anything that is not
// meant for anonymous visitors must use a guarded one (the authorization matrix test enforces it).
export const publicProcedure = t.procedure.use(observed).use(domainErrors);
export const signedInProcedure = publicProcedure.use(authed);
/** Only for what second-factor enrolment needs: it answers before a required enrolment is done. */
export const enrolmentProcedure = publicProcedure.use(authedWhileEnrolling);
export const procedureFor = (...roles: Role[]) => publicProcedure.use(role(...roles));
/**
 * Live operational data: leadership, coordinators (all regions, read-only outside theirs) and admins.
 * The same rule (mayReadOperational) decides who may follow it live (live/room-access.ts).
 */
export const operationalProcedure = publicProcedure.use(
  t.middleware(({ ctx, next }) => {
    const user = requireUser(ctx.user);
    if (!mayReadOperational(user)) throw new TRPCError({ code: 'FORBIDDEN', message: 'Your role sees board snapshots, not live operational data.' });
    return next({ ctx: { ...ctx, user } });
  })
);
export const adminProcedure = procedureFor('admin');
/**
 * One dashboard's view: whoever reads operational data, or a wall screen's device link that lists
 * this dashboard (its identity has no user, so every other procedure refuses it as anonymous).
 */
export const dashboardProcedure = (topic: DashboardTopic) =>
  publicProcedure.use(
    t.middleware(({ ctx, next }) => {
      if (!ctx.user && ctx.kiosk) {
        if (!ctx.kiosk.dashboards.includes(topic)) throw new TRPCError({ code: 'FORBIDDEN', message: 'This screen’s link does not show this dashboard.' });
        return next({ ctx });
      }
      const user = requireUser(ctx.user);
      if (!mayReadOperational(user)) throw new TRPCError({ code: 'FORBIDDEN', message: 'Your role sees board snapshots, not live operational data.' });
      return next({ ctx: { ...ctx, user } });
    })
  );
