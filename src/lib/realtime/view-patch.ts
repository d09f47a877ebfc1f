// Dashboard views travel as patches after the first full view: a refresh usually changes a few
// figures, and sending those instead of the whole view keeps a push small for every viewer.
// Views are JSON values (what the socket carries); a patch is a list of ops, each replacing (or,
// without `v`, deleting) the value at a path. Arrays are replaced whole.

export interface PatchOp {
  p: string[];
  v?: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The ops that turn `prev` into `next` (both JSON values). */
export function diffView(prev: unknown, next: unknown, path: string[] = [], ops: PatchOp[] = []): PatchOp[] {
  if (isObject(prev) && isObject(next)) {
    for (const key of Object.keys(next)) {
      if (!(key in prev)) ops.push({ p: [...path, key], v: next[key] });
      else diffView(prev[key], next[key], [...path, key], ops);
    }
    for (const key of Object.keys(prev)) if (!(key in next)) ops.push({ p: [...path, key] });
    return ops;
  }
  if (JSON.stringify(prev) !== JSON.stringify(next)) ops.push({ p: path, v: next });
  return ops;
}

/** A new value with the ops applied; `base` is not modified. */
export function applyPatch<T>(base: T, ops: PatchOp[]): T {
  let root = JSON.parse(JSON.stringify(base)) as Json;
  for (const op of ops) {
    if (!op.p.length) {
      root = op.v as Json;
      continue;
    }
    let node = root as Record<string, Json>;
    for (const key of op.p.slice(0, -1)) {
      if (!isObject(node[key])) node[key] = {};
      node = node[key] as Record<string, Json>;
    }
    const last = op.p[op.p.length - 1];
    if ('v' in op) node[last] = op.v as Json;
    else delete node[last];
  }
  return root as T;
}
