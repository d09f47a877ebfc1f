// Field edits on /needs that have not reached the server yet (no connection, or a save that failed on
// the network). Kept in this browser's localStorage under the signed-in person's id, so a reload or a
// closed tab does not lose them; each keeps the version and value it was edited from (its base), so
// the server merges it or answers with a conflict exactly as if it had been sent at once.

export type QueuedState = 'waiting' | 'conflict' | 'refused';

export interface QueuedEdit {
  needId: number;
  field: string;
  value: unknown;
  /** The version and value shown when editing began. */
  base: { version: number; value: unknown };
  /** The need's title when it was edited (the need may be out of view or gone when it is sent). */
  title: string;
  state: QueuedState;
  /** A refused edit's reason, in plain words. */
  message?: string;
}

const same = (e: Pick<QueuedEdit, 'needId' | 'field'>, needId: number, field: string) => e.needId === needId && e.field === field;

/** `opening`: a conflict is asked again after a reload (the edit is sent again and the dialog reopens). */
function read(key: string | null, opening: boolean): QueuedEdit[] {
  if (!key || typeof localStorage === 'undefined') return [];
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    if (!Array.isArray(stored)) return [];
    return stored
      .filter((e): e is QueuedEdit => !!e && typeof e.needId === 'number' && typeof e.field === 'string' && typeof e.base?.version === 'number')
      .map((e) => (opening && e.state === 'conflict' ? { ...e, state: 'waiting' } : e));
  } catch {
    return [];
  }
}

export class EditQueue {
  entries = $state<QueuedEdit[]>([]);
  /** False when the browser refused to store them (private mode, full): they live in this tab only. */
  stored = $state(true);

  /** `key` null (no signed-in person): kept in memory only. */
  constructor(readonly key: string | null) {
    this.entries = read(key, true);
  }

  /** Takes what is stored now (another tab, or an earlier instance of the page, may have sent some). */
  sync() {
    if (this.key) this.entries = read(this.key, false);
  }

  #save(entries: QueuedEdit[]) {
    this.entries = entries;
    if (!this.key) return;
    try {
      if (entries.length) localStorage.setItem(this.key, JSON.stringify(entries));
      else localStorage.removeItem(this.key);
      this.stored = true;
    } catch {
      this.stored = false;
    }
  }

  find(needId: number, field: string): QueuedEdit | undefined {
    return this.entries.find((e) => same(e, needId, field));
  }

  /** Queues an edit; a later edit of the same field replaces the value and keeps the first base. */
  put(edit: Omit<QueuedEdit, 'state' | 'message'>) {
    const known = this.find(edit.needId, edit.field);
    const next: QueuedEdit = { ...edit, base: known?.base ?? edit.base, state: 'waiting' };
    this.#save(known ? this.entries.map((e) => (e === known ? next : e)) : [...this.entries, next]);
  }

  mark(needId: number, field: string, state: QueuedState, message?: string) {
    this.#save(this.entries.map((e) => (same(e, needId, field) ? { ...e, state, message } : e)));
  }

  remove(needId: number, field: string) {
    this.#save(this.entries.filter((e) => !same(e, needId, field)));
  }

  waiting(): QueuedEdit[] {
    return this.entries.filter((e) => e.state === 'waiting');
  }
}
