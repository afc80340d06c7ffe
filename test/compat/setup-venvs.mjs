#!/usr/bin/env node
// Creates the project-local Python virtualenvs used by the Vortex compatibility oracle:
//
//   .venv/vortex-0.76  <- test/compat/requirements-0.76.txt  (vortex-data==0.76.0)
//   .venv/vortex-0.90  <- test/compat/requirements-0.90.txt  (vortex-data==0.90.0)
//
// Idempotent: each venv carries a marker file holding the sha256 of the requirements file it was
// built from (and the base interpreter's version). When the marker matches, nothing is done.
// When it does not, the venv is deleted and rebuilt from scratch.
//
// Needs only `python3` (>= 3.11, with the venv/ensurepip modules) and network access to PyPI.
// Set GYRE_PYTHON to use a different base interpreter.
//
// Usage:  node test/compat/setup-venvs.mjs [--force] [--json] [0.76|0.90 ...]
// API:    import { ensureVenvs } from './setup-venvs.mjs';
//         const pythons = ensureVenvs();   // { '0.76': '/abs/.venv/vortex-0.76/bin/python', '0.90': ... }

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
export const VENV_ROOT = path.join(REPO_ROOT, '.venv');
export const VERSIONS = ['0.76', '0.90'];

const MARKER = '.gyre-venv.json';
// Bump when the way venvs are built changes, to force a rebuild everywhere.
const RECIPE = 1;
const LOCK_STALE_MS = 30 * 60 * 1000;

class SetupError extends Error {}

function log(opts, msg) {
  if (!opts.quiet) process.stderr.write(`[setup-venvs] ${msg}\n`);
}

function run(cmd, args, { capture = false, opts = {} } = {}) {
  const res = spawnSync(cmd, args, {
    encoding: 'utf8',
    stdio: capture || opts.quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (res.error) {
    return { ok: false, status: null, stdout: '', stderr: String(res.error.message ?? res.error) };
  }
  return { ok: res.status === 0, status: res.status, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
}

function venvPython(dir) {
  return process.platform === 'win32'
    ? path.join(dir, 'Scripts', 'python.exe')
    : path.join(dir, 'bin', 'python');
}

/** Checks the base interpreter once; returns { python, version }. */
function checkBasePython(opts) {
  const python = process.env.GYRE_PYTHON || 'python3';
  const probe = run(
    python,
    [
      '-c',
      'import sys; print("%d.%d.%d" % sys.version_info[:3]); ' +
        'import importlib.util as u; ' +
        'print("venv" if u.find_spec("venv") else "no-venv"); ' +
        'print("ensurepip" if u.find_spec("ensurepip") else "no-ensurepip")',
    ],
    { capture: true, opts },
  );
  if (!probe.ok) {
    throw new SetupError(
      `cannot run the base interpreter '${python}' (${probe.stderr.trim() || 'not found'}). ` +
        'Install Python >= 3.11 or point GYRE_PYTHON at one.',
    );
  }
  const [version, venvMod, ensurepipMod] = probe.stdout.trim().split(/\r?\n/);
  const [maj, min] = version.split('.').map(Number);
  if (maj < 3 || (maj === 3 && min < 11)) {
    throw new SetupError(
      `${python} is Python ${version}; vortex-data needs Python >= 3.11. Point GYRE_PYTHON at a newer one.`,
    );
  }
  if (venvMod !== 'venv') {
    throw new SetupError(
      `${python} (Python ${version}) has no 'venv' module. ` +
        'On Debian/Ubuntu: apt-get install python3-venv',
    );
  }
  if (ensurepipMod !== 'ensurepip') {
    throw new SetupError(
      `${python} (Python ${version}) has no 'ensurepip' module, so 'python3 -m venv' cannot put pip ` +
        'into the virtualenv. On Debian/Ubuntu: apt-get install python3-venv ' +
        `(or python${maj}.${min}-venv); otherwise install a Python build that ships ensurepip.`,
    );
  }
  return { python, version };
}

function requirementsPath(ver) {
  return path.join(HERE, `requirements-${ver}.txt`);
}

function wantedMarker(ver, base) {
  const req = readFileSync(requirementsPath(ver));
  return {
    recipe: RECIPE,
    requirements: path.relative(REPO_ROOT, requirementsPath(ver)),
    requirementsSha256: createHash('sha256').update(req).digest('hex'),
    // Only major.minor matters for wheel compatibility.
    basePython: base.version.split('.').slice(0, 2).join('.'),
  };
}

function readMarker(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, MARKER), 'utf8'));
  } catch {
    return null;
  }
}

function markerMatches(have, want) {
  return (
    have != null &&
    have.recipe === want.recipe &&
    have.requirementsSha256 === want.requirementsSha256 &&
    have.basePython === want.basePython
  );
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A crude cross-process lock (mkdir is atomic), so parallel test workers don't build twice. */
function withLock(name, opts, fn) {
  mkdirSync(VENV_ROOT, { recursive: true });
  const lockDir = path.join(VENV_ROOT, `.lock-${name}`);
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue;
      }
      if (age > LOCK_STALE_MS) {
        log(opts, `removing stale lock ${lockDir}`);
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        log(opts, `waiting for another process building ${name} (lock ${lockDir})`);
        announced = true;
      }
      sleepMs(1000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function buildVenv(ver, dir, want, base, opts) {
  const req = requirementsPath(ver);
  if (existsSync(dir)) {
    log(opts, `${ver}: removing outdated venv ${dir}`);
    rmSync(dir, { recursive: true, force: true });
  }
  log(opts, `${ver}: creating venv: ${base.python} -m venv ${dir}`);
  const mk = run(base.python, ['-m', 'venv', dir], { capture: true, opts });
  if (!mk.ok) {
    rmSync(dir, { recursive: true, force: true });
    const msg = `${mk.stdout}\n${mk.stderr}`.trim();
    if (/ensurepip/i.test(msg)) {
      throw new SetupError(
        `'${base.python} -m venv' failed because ensurepip is not available:\n${msg}\n` +
          'On Debian/Ubuntu: apt-get install python3-venv',
      );
    }
    throw new SetupError(`'${base.python} -m venv ${dir}' failed:\n${msg}`);
  }
  const py = venvPython(dir);
  log(opts, `${ver}: pip install --only-binary=:all: -r ${path.relative(REPO_ROOT, req)}`);
  const pip = run(
    py,
    ['-m', 'pip', 'install', '--no-input', '--only-binary=:all:', '--progress-bar', 'off', '-r', req],
    { opts },
  );
  if (!pip.ok) {
    throw new SetupError(
      `${ver}: pip install -r ${req} failed (exit ${pip.status}). ` +
        'Is PyPI reachable? Are wheels available for this platform and Python version?' +
        (pip.stderr ? `\n${pip.stderr.trim()}` : ''),
    );
  }
  const check = run(
    py,
    ['-c', 'import vortex, pyarrow, numpy, zstandard; print(vortex.__version__, pyarrow.__version__)'],
    { capture: true, opts },
  );
  if (!check.ok) {
    throw new SetupError(`${ver}: the new venv cannot import its packages:\n${check.stderr.trim()}`);
  }
  const [vxVersion, paVersion] = check.stdout.trim().split(/\s+/);
  if (!vxVersion.startsWith(`${ver}.`)) {
    throw new SetupError(`${ver}: venv has vortex-data ${vxVersion}, expected ${ver}.x`);
  }
  writeFileSync(
    path.join(dir, MARKER),
    JSON.stringify({ ...want, vortexData: vxVersion, pyarrow: paVersion, builtAt: new Date().toISOString() }, null, 2) +
      '\n',
  );
  log(opts, `${ver}: ready (vortex-data ${vxVersion}, pyarrow ${paVersion}) -> ${py}`);
}

/**
 * Makes sure the oracle venvs exist and match their requirements files.
 * @param {{ versions?: string[], force?: boolean, quiet?: boolean }} [opts]
 * @returns {Record<string, string>} version -> absolute path of that venv's python
 */
export function ensureVenvs(opts = {}) {
  const versions = opts.versions ?? VERSIONS;
  for (const v of versions) {
    if (!VERSIONS.includes(v)) throw new SetupError(`unknown version ${v}; known: ${VERSIONS.join(', ')}`);
  }
  const base = checkBasePython(opts);
  const out = {};
  for (const ver of versions) {
    const dir = path.join(VENV_ROOT, `vortex-${ver}`);
    const want = wantedMarker(ver, base);
    const py = venvPython(dir);
    const upToDate = () => !opts.force && markerMatches(readMarker(dir), want) && existsSync(py);
    if (upToDate()) {
      log(opts, `${ver}: up to date (${path.relative(REPO_ROOT, dir)}, requirements sha256 ${want.requirementsSha256.slice(0, 12)})`);
    } else {
      withLock(`vortex-${ver}`, opts, () => {
        // Someone else may have built it while we waited for the lock.
        if (upToDate()) {
          log(opts, `${ver}: built by another process meanwhile`);
          return;
        }
        buildVenv(ver, dir, want, base, opts);
      });
    }
    out[ver] = py;
  }
  return out;
}

function main(argv) {
  const args = argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(
      'usage: node test/compat/setup-venvs.mjs [--force] [--json] [--quiet] [0.76|0.90 ...]\n' +
        'Creates/refreshes .venv/vortex-<ver> from test/compat/requirements-<ver>.txt.\n',
    );
    return 0;
  }
  const force = args.includes('--force');
  const json = args.includes('--json');
  const quiet = args.includes('--quiet');
  const versions = args.filter((a) => !a.startsWith('-'));
  try {
    const res = ensureVenvs({ force, quiet, versions: versions.length ? versions : undefined });
    if (json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
    else for (const [v, p] of Object.entries(res)) process.stdout.write(`${v}\t${p}\n`);
    return 0;
  } catch (e) {
    if (e instanceof SetupError) {
      process.stderr.write(`[setup-venvs] ERROR: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv);
}
