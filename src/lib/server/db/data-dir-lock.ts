// One process per embedded data directory. PGlite keeps Postgres's shared state in its own process,
// so two processes on one directory each write blind to the other and one side's commits are lost.
// The lock is a file in the directory naming its holder; creating it is atomic (link(2) of a fully
// written temporary file, so a reader never sees it half-written), and a lock whose holder is gone
// is taken over under a second, short-lived guard so two starters cannot both take it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const LOCK_FILE = 'beacon.lock';
const GUARD_FILE = 'beacon.lock.takeover';

interface LockOwner {
  pid: number;
  /** The holder's start time (Linux clock ticks since boot), so a reused pid is not taken for it. */
  startTicks: number | null;
  host: string;
  nonce: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number | null,
    host?: string
  ) {
    const holder = holderPid === null ? 'being locked right now' : `pid ${holderPid}${host ? ` on ${host}` : ''}`;
    super(
      `the data directory ${dataDir} is in use by another Beacon process (${holder}); ` +
        'stop that process first, or set BEACON_DATA_DIR to another directory'
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Locks held by this process, by lock path: also refuses a second open inside one process. */
const held = new Map<string, LockOwner>();

function processStartTicks(pid: number): number | null {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count after ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  // A lock from another machine (a shared disk) cannot be checked: it counts as held.
  if (owner.host !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.pid === process.pid) {
    // Our own pid: a lock this process holds, or one left by an earlier process with the same pid
    // (a container restarted: the server is pid 1 again).
    return [...held.values()].some((h) => h.nonce === owner.nonce);
  }
  if (owner.startTicks === null) return true;
  const ticks = processStartTicks(owner.pid);
  return ticks === null || ticks === owner.startTicks;
}

function readOwner(file: string): LockOwner | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    if (Number.isSafeInteger(o.pid) && o.pid > 0 && typeof o.nonce === 'string' && typeof o.host === 'string') return o;
  } catch {
    // fall through
  }
  return 'unreadable';
}

/** Creates `file` holding `owner` only if it does not exist yet; true when created. */
function createExclusive(file: string, owner: LockOwner): boolean {
  const temp = `${file}.${process.pid}.${owner.nonce}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(owner) + '\n', { mode: 0o644 });
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: an O_EXCL create (the content follows at once).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      try {
        fs.writeFileSync(file, JSON.stringify(owner) + '\n', { flag: 'wx', mode: 0o644 });
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    }
    throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function ageMs(file: string): number {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st ? Date.now() - st.mtimeMs : Infinity;
}

function sameOwner(a: LockOwner | string, b: LockOwner): boolean {
  return typeof a === 'object' && a.nonce === b.nonce && a.pid === b.pid;
}

/**
 * Removes the lock at `file` if it still is `stale` (checked under the takeover guard, so a lock
 * created meanwhile by a live starter is never removed). The guard is held for microseconds; one
 * left behind by a process killed inside that window is removed once its holder is dead.
 */
function removeStale(dir: string, file: string, stale: LockOwner | 'unreadable', me: LockOwner): void {
  const guard = path.join(dir, GUARD_FILE);
  if (!createExclusive(guard, me)) {
    const other = readOwner(guard);
    if (other === 'missing') return; // released meanwhile: the caller retries
    if (other !== 'unreadable' && isAlive(other)) throw new DataDirLockedError(dir, other.pid);
    if (other === 'unreadable' && ageMs(guard) < 5_000) throw new DataDirLockedError(dir, null);
    // A dead guard holder: move its guard aside under a unique name (only one starter wins the rename).
    const aside = `${guard}.${me.nonce}.dead`;
    try {
      fs.renameSync(guard, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const moved = readOwner(aside);
    if (moved !== 'missing' && moved !== 'unreadable' && other !== 'unreadable' && !sameOwner(moved, other)) {
      // We moved a guard taken meanwhile by a live starter: give it back.
      try {
        fs.renameSync(aside, guard);
      } catch {
        /* it will find its guard gone and fail its own checks safely */
      }
      return;
    }
    fs.rmSync(aside, { force: true });
    return;
  }
  try {
    const now = readOwner(file);
    if (now === 'missing') return;
    const unchanged = stale === 'unreadable' ? now === 'unreadable' : sameOwner(now, stale);
    if (unchanged) fs.rmSync(file, { force: true });
  } finally {
    if (sameOwner(readOwner(guard), me)) fs.rmSync(guard, { force: true });
  }
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A normal exit (process.exit, end of a script) releases every lock still held.
  process.on('exit', () => {
    for (const [file, owner] of held) {
      if (sameOwner(readOwner(file), owner)) fs.rmSync(file, { force: true });
    }
    held.clear();
  });
}

/** Takes the lock of `dataDir` (created if missing) or throws DataDirLockedError at once. */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
    host: os.hostname(),
    nonce: randomBytes(12).toString('hex')
  };
  // Bounded retries: each round either creates the lock, refuses, or removes one stale lock.
  for (let attempt = 0; attempt < 20; attempt++) {
    if (createExclusive(file, me)) {
      held.set(file, me);
      installExitHook();
      return {
        path: file,
        release() {
          if (held.get(file) !== me) return;
          held.delete(file);
          if (sameOwner(readOwner(file), me)) fs.rmSync(file, { force: true });
        }
      };
    }
    const owner = readOwner(file);
    if (owner === 'missing') continue;
    if (owner !== 'unreadable' && isAlive(owner)) {
      throw new DataDirLockedError(dir, owner.pid, owner.host === os.hostname() ? undefined : owner.host);
    }
    // Unreadable and young: a starter on a file system without links is writing it this instant.
    if (owner === 'unreadable' && ageMs(file) < 5_000) throw new DataDirLockedError(dir, null);
    removeStale(dir, file, owner, me);
  }
  throw new Error(`could not lock the data directory ${dir}: its lock file keeps changing`);
}
