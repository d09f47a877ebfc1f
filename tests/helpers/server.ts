// Starts the real production server (scripts/serve.js over build/) in a child process on a free port,
// with its own embedded database directory (or a given DATABASE_URL).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_DEMO_PASSWORD } from './demo-password.js';

export interface RunningServer {
  url: string;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  env?: Record<string, string | undefined>;
  /** Reuse a data directory (restart tests); a fresh temporary one otherwise. */
  dataDir?: string;
  port?: number;
}

const root = path.resolve(import.meta.dirname, '..', '..');

const { ensureBuild } = (await import('../../scripts/build-if-stale.js')) as { ensureBuild: () => void };
// At import (collection time, outside any hook timeout): a stale build is rebuilt once, here.
ensureBuild();

/** Runs the production build (rebuilt first when sources changed; one build at a time). */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  ensureBuild();
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-test-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    BEACON_DATA_DIR: dataDir,
    DATABASE_URL: '',
    // The demo password is random per data directory unless chosen; tests sign in with this one.
    BEACON_DEMO_PASSWORD: TEST_DEMO_PASSWORD,
    ...options.env
  };
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'serve.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    // A server that never says it listens is killed, not left running past the test (and its port and data directory).
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 120 s:\n${out}`));
    }, 120_000);
    const onData = () => {
      const m = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    dataDir,
    process: child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        // Already gone (exited, or killed by a signal: then exitCode stays null).
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 8000).unref();
      })
  };
}
