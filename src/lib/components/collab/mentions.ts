// "@" autocomplete in comments, as plain functions (unit-tested): which "@…" is being typed at the
// caret, and which colleagues it matches.

/** The "@…" typed right before the caret: where its "@" is and the text after it; null when none. */
export function mentionQuery(body: string, caret: number): { start: number; text: string } | null {
  const before = body.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  // An "@" inside a word (an email address) is not a mention.
  if (at > 0 && !/\s|[([{"'“]/.test(before[at - 1])) return null;
  const text = before.slice(at + 1);
  // A name is at most a few words on one line.
  if (text.length > 40 || /[\n\r]/.test(text) || text.split(' ').length > 3) return null;
  return { start: at, text };
}

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/** Colleagues whose name matches: first names starting with the query, then any word, then anywhere. */
export function matchPeople<P extends { displayName: string }>(people: P[], query: string): P[] {
  const q = fold(query.trim());
  if (!q) return [...people];
  const rank = (p: P) => {
    const name = fold(p.displayName);
    if (name.startsWith(q)) return 0;
    if (name.split(/\s+/).some((w) => w.startsWith(q))) return 1;
    return name.includes(q) ? 2 : 3;
  };
  return people.map((p) => ({ p, r: rank(p) })).filter((x) => x.r < 3).sort((a, b) => a.r - b.r).map((x) => x.p);
}

/** "@Full Name " already written out (followed by a space): nothing more to suggest. */
export function completedMention(people: { displayName: string }[], text: string): boolean {
  if (!/\s$/.test(text)) return false;
  const t = fold(text.trim());
  return people.some((p) => fold(p.displayName) === t);
}
