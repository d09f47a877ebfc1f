import type { LayoutServerLoad } from './$types';
import { homeOf, isOperational } from '$lib/server/auth/access.js';
import { navFor } from '$lib/server/pages/page-access.js';
import { config } from '$lib/server/config.js';

/** What the header shows: a courtesy; the server guards every page and procedure regardless. */
export const load: LayoutServerLoad = ({ locals }) => {
  const user = locals.user;
  // Demo mode: every page says so, signed in or not.
  const demo = config().demo;
  // Every moment a page shows is in the organisation's zone (format.ts dateTime).
  const timeZone = config().timeZone;
  if (!user) return { user: null, nav: [], home: '/login', demo, timeZone, inbox: false };
  return {
    demo,
    timeZone,
    user: { id: user.id, displayName: user.displayName, email: user.email, role: user.role },
    // The inbox bell: people who can be mentioned or assigned (the board reads snapshots only).
    inbox: isOperational(user),
    nav: navFor(user),
    home: homeOf(user.role)
  };
};
