// Builds the native addon from source with the system C++ compiler. Headers come from the
// node-api-headers and node-addon-api packages, so nothing is downloaded at build time.
//   node native/build.mjs            release build → native/build/release/gyre.node
//   node native/build.mjs --asan     AddressSanitizer + UBSan build → native/build/asan/gyre.node
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const asan = process.argv.includes('--asan');
// GYRE_BUILD_NAME gives a separate output folder (parallel builds in one checkout).
const variant = process.env.GYRE_BUILD_NAME || (asan ? 'asan' : 'release');
const out = join(here, 'build', variant);
const cxx = process.env.CXX || 'g++';

const napiInclude = join(dirname(require.resolve('node-api-headers/package.json')), 'include');
const addonInclude = dirname(require.resolve('node-addon-api/package.json'));

const flags = [
  '-std=c++20', '-fPIC', '-fvisibility=hidden', '-ffp-contract=off', '-Wall', '-Wno-unused-function',
  '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-DNODE_ADDON_API_DISABLE_DEPRECATED',
  `-I${napiInclude}`, `-I${addonInclude}`, `-I${join(here, 'src')}`,
  ...(asan ? ['-O1', '-g', '-fsanitize=address,undefined', '-fno-omit-frame-pointer'] : ['-O3', '-DNDEBUG']),
];

function sources(dir) {
  const found = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) found.push(...sources(p));
    else if (e.name.endsWith('.cc')) found.push(p);
  }
  return found;
}

function upToDate(obj, dep) {
  if (!existsSync(obj) || !existsSync(dep)) return false;
  const t = statSync(obj).mtimeMs;
  const deps = readFileSync(dep, 'utf8').replace(/\\\n/g, ' ').split(/\s+/).slice(1).filter(Boolean);
  return deps.every((d) => existsSync(d) && statSync(d).mtimeMs <= t);
}

async function pool(items, n, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => {
    while (queue.length) await fn(queue.shift());
  }));
}

const srcDir = join(here, 'src');
const objs = [];
const jobs = Math.max(1, Math.min(cpus().length, 8));
let compiled = 0;
await pool(sources(srcDir), jobs, async (src) => {
  const name = relative(srcDir, src).replace(/[\\/]/g, '__').replace(/\.cc$/, '');
  const obj = join(out, 'obj', `${name}.o`);
  const dep = join(out, 'obj', `${name}.d`);
  objs.push(obj);
  mkdirSync(dirname(obj), { recursive: true });
  if (upToDate(obj, dep)) return;
  compiled++;
  try {
    await run(cxx, [...flags, '-MMD', '-MF', dep, '-c', src, '-o', obj], { maxBuffer: 1 << 26 });
  } catch (e) {
    process.stderr.write(`${e.stderr ?? e.message}\n`);
    throw new Error(`compiling ${relative(here, src)} failed`);
  }
});
objs.sort();
const target = join(out, 'gyre.node');
await run(cxx, ['-shared', ...(asan ? ['-fsanitize=address,undefined'] : []), '-o', target, ...objs], {
  maxBuffer: 1 << 26,
});
console.log(`gyre native (${variant}): ${compiled} compiled, ${objs.length} objects → ${relative(process.cwd(), target)}`);
