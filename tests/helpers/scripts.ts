// Runs an npm script the way an operator does (npm run NAME -- ARGS), with its own environment.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..', '..');

export function npmRun(script: string, args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const started = Date.now();
  const r = spawnSync('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
    cwd: root, env: { ...process.env, DATABASE_URL: '', ...env }, encoding: 'utf8', timeout: 180_000
  });
  if (process.env.OPS_DEBUG) console.log(script, args, Date.now() - started, r.status, r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An empty database on the test Postgres server (no migrations), dropped by `drop`. */
export async function emptyPostgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `beacon_ops_${randomBytes(5).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
