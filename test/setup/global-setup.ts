import { ensureFixtures } from './fixtures.js';

/** Runs once before all test files: virtualenvs with the official library, and its fixtures. */
export default async function setup(): Promise<void> {
  if (process.env.GYRE_SKIP_FIXTURES) return;
  await ensureFixtures();
}
