// Malformed procedure inputs from a seeded PRNG. A plausible input is drawn from the procedure's own
// zod schema (so the junk lands deep inside otherwise valid shapes, where rules are easy to forget),
// then one to three things in it are broken: a value swapped for a hostile one (NUL, unpaired
// surrogates, 1e308, NaN, 2^53+1, impossible dates…), a control character slipped into a string, an
// extra key, a missing key, deep nesting — or the whole input replaced by junk of the wrong type.
import type { ZodTypeAny } from 'zod';
import type { Rng } from './prng.js';

/** What must never appear in an answer: a stack frame, SQL, a file path, a database driver's message. */
export const LEAKS: Array<[string, RegExp]> = [
  ['stack frame', /\bat (?:[\w$.<>[\] ]+ \()?(?:file:\/\/|\/|node:)[^\s)]*:\d+:\d+/],
  ['SQL', /\b(select\s+[\w"*.,\s()]+\s+from\s+"?\w|insert\s+into\s|update\s+"?\w+"?\s+set\s|delete\s+from\s)/i],
  ['file path', /(\/work\/|\/home\/|\/tmp\/|node_modules|\.ts:\d|\.js:\d|file:\/\/)/],
  ['database message', /DatabaseError|PGlite|SQLSTATE|syntax error at|invalid input syntax|violates \w+(-\w+)? constraint|out of range for type/i]
];

export interface Pools {
  /** Ids of rows that exist (needs, partners, snapshots…), so some calls get past "not found". */
  ids: number[];
  /** Ids of app users the calls may change (never the callers'). */
  userIds: string[];
}

const HUGE = 'A'.repeat(100_000);
const HUGE_WIDE = '\u00e9\u{1F600}'.repeat(60_000);

/** Strings of every hostile class in the issue, and a few more. */
export const HOSTILE_STRINGS: readonly string[] = [
  '\u0000', 'a\u0000b', 'Synthetic\u0000title', '\uD800', 'x\uDFFFy', 'bad pair \uDC00\uD800', 'end \uDBFF', 'bell\u0007', 'del\u007F',
  '2026-02-30', '2026-02-29', '2025-13-01', '2026-00-10', '9999-12-31', '+275760-09-13', '-271821-04-20', '0000-01-01', '1999-12-31',
  '2101-01-01', '2026-12-31T24:00', '2026-12-31T23:59:60Z', '+275760-09-13T00:00:00.000Z', '2026-06-01T00:00:00+99:99',
  '1e308', 'NaN', 'Infinity', '-1', '9007199254740993', '', ' ', '\t', '\r\n', HUGE, HUGE_WIDE,
  "'; drop table audit_log; --", '%s%n%x', '../../../../etc/passwd', '<script>alert(1)</script>', '=HYPERLINK("http://evil.example")',
  '\u202Eevil', '\uFEFF', '\u{1F600}\u{1F600}', 'null', 'undefined', '__proto__', '{"$gt":""}'
];

export const HOSTILE_NUMBERS: readonly number[] = [
  1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0, -0, 2 ** 53 + 1, 2 ** 53, 2 ** 31, 2 ** 31 - 1,
  -(2 ** 31) - 1, 2 ** 63, 1.5, 0.1, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 1e12 + 1, 32768, 100000
];

function deepNest(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Values of the wrong type, shapes of the wrong kind, things JSON cannot even carry. */
export function junk(rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => null, () => undefined, () => true, () => false, () => [], () => ({}), () => '1', () => [1, 2, 3], () => ({ id: 1 }),
    () => new Date(Number.NaN), () => new Date(8.64e15), () => new Date(-8.64e15), () => new Date('2026-02-30'), () => 1n,
    () => deepNest(rng.int(10, 200), rng.pick(HOSTILE_STRINGS)), () => Array.from({ length: rng.int(100, 5000) }, () => 'x'),
    () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
    () => rng.pick(HOSTILE_STRINGS), () => rng.pick(HOSTILE_NUMBERS)
  ])();
}

/** One hostile leaf value: mostly the classes of the issue, sometimes plain junk. */
function hostileLeaf(rng: Rng, current: unknown): unknown {
  if (typeof current === 'string' && current.length > 0 && rng.chance(0.35)) {
    // A control character or a lone surrogate slipped into an otherwise fine string.
    const at = rng.int(0, current.length);
    return current.slice(0, at) + rng.pick(['\u0000', '\uD800', '\uDFFF', '\u0001', '\u001B']) + current.slice(at);
  }
  return rng.weighted({ string: 4, number: 4, junk: 2 }) === 'string'
    ? rng.pick(HOSTILE_STRINGS)
    : rng.chance(0.66) ? rng.pick(HOSTILE_NUMBERS) : junk(rng);
}

const def = (s: ZodTypeAny) => s._def as Record<string, any>;

const DATE_KEY = /(On|By|Date|^from$|^to$)$/;

/** A plausible value for `schema` (valid more often than not), guided by the field's name. */
export function plausible(schema: ZodTypeAny, rng: Rng, pools: Pools, key = '', depth = 0): unknown {
  const d = def(schema);
  if (depth > 12) return undefined;
  switch (d.typeName) {
    case 'ZodObject': {
      const shape = typeof d.shape === 'function' ? d.shape() : d.shape;
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries<ZodTypeAny>(shape)) {
        const optional = child.isOptional();
        if (optional && rng.chance(0.4)) continue;
        out[k] = plausible(child, rng, pools, k, depth + 1);
      }
      return out;
    }
    case 'ZodString':
      if (/userId|actorId/.test(key)) return rng.pick(pools.userIds);
      if ((d.checks as Array<{ kind: string }>).some((c) => c.kind === 'email')) return `fuzz.${rng.int(1, 1e9)}@test.example`;
      if (DATE_KEY.test(key)) return `2026-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
      if (/At$/.test(key)) return `2027-0${rng.int(1, 9)}-01T09:00:00Z`;
      return rng.pick(['Synthetic value', 'Synthetic cots and blankets', 'dashboard:overview', 'needs:division:mountain', 'Note']);
    case 'ZodNumber':
      if (/[iI]d$|^a$|^b$/.test(key)) return rng.chance(0.8) && pools.ids.length ? rng.pick(pools.ids) : rng.int(1, 5);
      if (/[yY]ear/.test(key)) return rng.int(2024, 2027);
      if (/version/.test(key)) return rng.int(1, 3);
      if (/[cC]ents/.test(key)) return rng.int(0, 5_000_000);
      return rng.int(1, 12);
    case 'ZodBigInt':
      return BigInt(rng.int(1, 10));
    case 'ZodBoolean':
      return rng.chance(0.5);
    case 'ZodDate':
      return new Date(Date.UTC(2027, rng.int(0, 11), 1, 9));
    case 'ZodEnum':
      return rng.pick(d.values as string[]);
    case 'ZodNativeEnum':
      return rng.pick(Object.values(d.values));
    case 'ZodLiteral':
      return d.value;
    case 'ZodArray':
      return Array.from({ length: rng.int(d.minLength?.value ?? 0, Math.min(3, d.maxLength?.value ?? 3)) }, () => plausible(d.type, rng, pools, key, depth + 1));
    case 'ZodOptional':
      return rng.chance(0.15) ? undefined : plausible(d.innerType, rng, pools, key, depth + 1);
    case 'ZodNullable':
      return rng.chance(0.15) ? null : plausible(d.innerType, rng, pools, key, depth + 1);
    case 'ZodDefault':
      return rng.chance(0.3) ? undefined : plausible(d.innerType, rng, pools, key, depth + 1);
    case 'ZodCatch':
    case 'ZodReadonly':
      return plausible(d.innerType, rng, pools, key, depth + 1);
    case 'ZodEffects':
      return plausible(d.schema, rng, pools, key, depth + 1);
    case 'ZodPipeline':
      return plausible(d.in, rng, pools, key, depth + 1);
    case 'ZodBranded':
      return plausible(d.type, rng, pools, key, depth + 1);
    case 'ZodLazy':
      return plausible(d.getter(), rng, pools, key, depth + 1);
    case 'ZodUnion':
      return plausible(rng.pick(d.options as ZodTypeAny[]), rng, pools, key, depth + 1);
    case 'ZodDiscriminatedUnion':
      return plausible(rng.pick([...(d.options as ZodTypeAny[])]), rng, pools, key, depth + 1);
    case 'ZodIntersection':
      return { ...(plausible(d.left, rng, pools, key, depth + 1) as object), ...(plausible(d.right, rng, pools, key, depth + 1) as object) };
    case 'ZodRecord':
      return { [String(plausible(d.keyType, rng, pools, key, depth + 1))]: plausible(d.valueType, rng, pools, key, depth + 1) };
    case 'ZodTuple':
      return (d.items as ZodTypeAny[]).map((item) => plausible(item, rng, pools, key, depth + 1));
    default:
      return 'Synthetic value';
  }
}

type Container = Record<string, unknown> | unknown[];

/** Every [container, key] in a value, for picking where to break it. */
function slots(value: unknown, out: Array<[Container, string | number]> = [], depth = 0): Array<[Container, string | number]> {
  if (depth > 12 || value === null || typeof value !== 'object' || value instanceof Date) return out;
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [k, v] of entries) {
    out.push([value as Container, k]);
    slots(v, out, depth + 1);
  }
  return out;
}

/** A malformed input for a procedure whose input schema is `schema` (or none). */
export function malformedInput(schema: ZodTypeAny | undefined, rng: Rng, pools: Pools): unknown {
  if (!schema || rng.chance(0.08)) return junk(rng);
  const input = plausible(schema, rng, pools);
  const mutations = rng.int(1, 3);
  for (let m = 0; m < mutations; m++) {
    const places = slots(input);
    const kind = places.length ? rng.weighted({ leaf: 7, extraKey: 1, dropKey: 1, nest: 1 }) : 'whole';
    if (kind === 'whole') return junk(rng);
    const [container, key] = rng.pick(places);
    if (kind === 'leaf') (container as Record<string | number, unknown>)[key] = hostileLeaf(rng, (container as Record<string | number, unknown>)[key]);
    else if (kind === 'extraKey' && !Array.isArray(container)) container[rng.pick(['extra', 'constructor', 'isAdmin', 'role', 'id\u0000'])] = rng.pick(HOSTILE_STRINGS);
    else if (kind === 'dropKey' && !Array.isArray(container)) delete container[key as string];
    else (container as Record<string | number, unknown>)[key] = deepNest(rng.int(3, 60), hostileLeaf(rng, undefined));
  }
  return input;
}
