// The demo users' password. A published default would make every demo reachable from outside a
// public door, so unless BEACON_DEMO_PASSWORD chooses one it is random: per data directory on the
// embedded database (kept in a 0600 file there, so every start can print it again), per start on a
// server (where only the start that creates the demo users can tell it).
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const DEMO_PASSWORD_FILE = 'demo-password';

export interface DemoPassword {
  password: string;
  /** Where it comes from, for the start-up message. */
  source: string;
}

const randomPassword = () => randomBytes(15).toString('base64url');

/** Call with the data directory locked (the server holds its lock from open to close). */
export function demoPasswordFor(options: { configured: string | undefined; dataDir: string | undefined }): DemoPassword {
  if (options.configured) return { password: options.configured, source: 'from BEACON_DEMO_PASSWORD' };
  if (!options.dataDir) return { password: randomPassword(), source: 'random, made at this start' };
  const file = path.join(options.dataDir, DEMO_PASSWORD_FILE);
  const source = `random for this data directory, kept in ${file}`;
  try {
    const kept = fs.readFileSync(file, 'utf8').trim();
    if (kept) return { password: kept, source };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const password = randomPassword();
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { password, source };
}
