#!/usr/bin/env node
// Launcher for the gyre CLI (built into dist/ by `npm install`).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    const code = err && typeof err.code === 'string' ? ` [${err.code}]` : '';
    console.error(`gyre: ${err && err.message ? err.message : String(err)}${code}`);
    process.exit(1);
  },
);
