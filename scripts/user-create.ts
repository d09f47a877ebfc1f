// npm run user:create -- --email a@b.org --role admin [--name "Ada Admin"] [--division mountain]… [--state CO]…
// Creates an active user with a password (the first real admin, typically; everyone else is invited
// from /admin). The password comes from BEACON_NEW_USER_PASSWORD, or is asked for on a terminal; it
// must pass the password policy. With the embedded database, stop the server first (one process only).
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { readConfig } from '../src/lib/server/config.js';
import { createDb } from '../src/lib/server/db/index.js';
import { migrateToLatest } from '../src/lib/server/db/migrate.js';
import { DomainError } from '../src/lib/server/errors.js';
import { createUser } from '../src/lib/server/users/users.service.js';
import { displayNameInput, divisionsInput, emailInput, roleInput, statesInput } from '../src/lib/server/users/users.schemas.js';

const USAGE = 'usage: npm run user:create -- --email EMAIL --role admin|leadership|coordinator|board [--name NAME] [--division CODE]... [--state XX]...';

const argsSchema = z.object({
  email: emailInput,
  role: roleInput,
  name: displayNameInput.optional(),
  division: divisionsInput,
  state: statesInput
});

/** Reads a line without echoing it (a password on a terminal). */
function askHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    }
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function readPassword(): Promise<string> {
  const fromEnv = readConfig().newUserPassword;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new DomainError('BAD_REQUEST', 'no terminal to ask for the password: set BEACON_NEW_USER_PASSWORD');
  const first = await askHidden('Password (at least 12 characters): ');
  const second = await askHidden('Password again: ');
  if (first !== second) throw new DomainError('BAD_REQUEST', 'the two passwords differ');
  return first;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      division: { type: 'string', multiple: true, default: [] },
      state: { type: 'string', multiple: true, default: [] }
    },
    strict: true
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`--${issue.path[0]}: ${issue.message}`);
    console.error(USAGE);
    return 2;
  }
  const args = parsed.data;
  const password = await readPassword();
  const cfg = readConfig();
  const handle = await createDb(cfg.databaseUrl ? { url: cfg.databaseUrl } : { dataDir: cfg.dataDir });
  try {
    await migrateToLatest(handle.db);
    const displayName = args.name ?? args.email.split('@')[0];
    const id = await createUser(
      handle.db,
      { email: args.email, displayName, role: args.role, password, divisions: args.division, states: args.state },
      { actorId: null }
    );
    console.log(`created ${args.role} ${args.email} (id ${id}); sign in at /login`);
    return 0;
  } finally {
    await handle.close();
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  if (err instanceof DomainError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
    console.error(`user:create: ${err.message}`);
    console.error(USAGE);
    process.exitCode = 2;
  } else {
    console.error('user:create failed:', err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
