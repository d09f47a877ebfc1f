// Which pages each role may open, by route prefix: one table for the page guard (hooks.server.ts),
// the sign-in redirect and the navigation. Anything not listed needs a signed-in user of any role.
import { homeOf, OPERATIONAL_ROLES, ROLES, type Role, type SessionUser } from '../auth/access.js';

/** Open without signing in (prefixes of route ids or paths). */
const PUBLIC_PREFIXES = ['/login', '/logout', '/invite', '/reset', '/s', '/kiosk', '/healthz', '/readyz', '/metrics', '/render'];

const PAGE_ROLES: Array<[prefix: string, roles: readonly Role[]]> = [
  ['/dashboard', OPERATIONAL_ROLES],
  ['/needs', OPERATIONAL_ROLES],
  ['/notifications', OPERATIONAL_ROLES],
  ['/alerts', OPERATIONAL_ROLES],
  ['/pipeline', OPERATIONAL_ROLES],
  ['/outreach', OPERATIONAL_ROLES],
  ['/partners', OPERATIONAL_ROLES],
  ['/survivor-counts', OPERATIONAL_ROLES],
  ['/budgets', ['leadership', 'admin']],
  ['/import', OPERATIONAL_ROLES],
  ['/sign-off', OPERATIONAL_ROLES],
  ['/snapshots', ROLES],
  ['/admin', ['admin']]
];

/** Route groups such as `(app)` are not part of the URL. */
function normalise(routeIdOrPath: string): string {
  return routeIdOrPath.replace(/\/\([^/)]+\)/g, '') || '/';
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

export function isPublicPage(routeIdOrPath: string): boolean {
  const path = normalise(routeIdOrPath);
  return PUBLIC_PREFIXES.some((p) => under(path, p));
}

export function canOpenPage(user: Pick<SessionUser, 'role'>, routeIdOrPath: string): boolean {
  const path = normalise(routeIdOrPath);
  if (isPublicPage(path)) return true;
  const rule = PAGE_ROLES.find(([prefix]) => under(path, prefix));
  return rule ? rule[1].includes(user.role) : true;
}

export interface NavLink {
  href: string;
  label: string;
}

// Only pages that exist; later pages add one line here.
const NAV: NavLink[] = [
  { href: '/dashboard', label: 'Dashboard' },
  { href: '/needs', label: 'Needs' },
  { href: '/pipeline', label: 'Pipeline' },
  { href: '/outreach', label: 'Outreach' },
  { href: '/partners', label: 'Partners' },
  { href: '/survivor-counts', label: 'Survivor counts' },
  { href: '/budgets', label: 'Budgets' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/import', label: 'Import' },
  { href: '/sign-off', label: 'Sign-off' },
  { href: '/snapshots', label: 'Snapshots' },
  { href: '/admin', label: 'Admin' }
];

export function navFor(user: Pick<SessionUser, 'role'>): NavLink[] {
  return NAV.filter((link) => canOpenPage(user, link.href));
}

/** A same-site path from a `redirectTo` parameter, or null for anything else (open-redirect guard). */
export function safeRedirectTarget(raw: string | null | undefined): string | null {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return null;
  try {
    const base = 'http://beacon.invalid';
    const url = new URL(raw, base);
    return url.origin === base ? url.pathname + url.search : null;
  } catch {
    return null;
  }
}

/** Where to go after signing in: the requested page if this role may open it, else the role's home. */
export function landingFor(user: Pick<SessionUser, 'role'>, redirectTo: string | null | undefined): string {
  const target = safeRedirectTarget(redirectTo);
  const path = target?.split('?')[0];
  if (!target || !path || path === '/' || isPublicPage(path) || !canOpenPage(user, path)) return homeOf(user.role);
  return target;
}
