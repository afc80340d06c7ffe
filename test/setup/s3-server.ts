/**
 * A real S3-compatible server for tests: moto's server mode (PyPI `moto[server]`, pinned in
 * requirements-moto.txt) in the project-local venv `.venv/moto`, on 127.0.0.1 and a free port.
 * moto 5.2.5 answers PutObject with `If-None-Match: *` on an existing key with 412.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const REQ = path.join(ROOT, 'test', 'setup', 'requirements-moto.txt');
const VENV = path.join(ROOT, '.venv', 'moto');
const PY = path.join(VENV, 'bin', 'python');

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr ?? r.error}`);
}

/** Creates (or reuses, keyed by the requirements' sha256) the moto venv; returns its python. */
export async function ensureMotoVenv(): Promise<string> {
  const sha = createHash('sha256').update(readFileSync(REQ)).digest('hex');
  const marker = path.join(VENV, '.gyre-venv.json');
  if (existsSync(marker) && (JSON.parse(readFileSync(marker, 'utf8')) as { sha: string }).sha === sha) return PY;
  mkdirSync(path.dirname(VENV), { recursive: true });
  const lock = `${VENV}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
      if (existsSync(marker)) return ensureMotoVenv();
    }
  }
  try {
    rmSync(VENV, { recursive: true, force: true });
    sh(process.env.GYRE_PYTHON ?? 'python3', ['-m', 'venv', VENV]);
    sh(PY, ['-m', 'pip', 'install', '--no-input', '--only-binary=:all:', '--progress-bar', 'off', '-r', REQ]);
    writeFileSync(marker, JSON.stringify({ sha }));
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return PY;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface S3Server {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts moto on 127.0.0.1:<free port> and waits until it answers HTTP. */
export async function startS3Server(): Promise<S3Server> {
  const py = await ensureMotoVenv();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(py, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto server exited (${child.exitCode}):\n${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto server did not start on ${endpoint}:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { endpoint, stop };
}
