import { readFileSync } from 'node:fs';

import { expect, test } from 'vitest';

import { CST_DTS_FILE, sqlCstDts } from '../../parser/cst-dts.js';

test('parser/cst.generated.d.ts matches the grammar (else run `npm run gen:cst`)', async () => {
  expect(readFileSync(CST_DTS_FILE, 'utf8'), 'parser/cst.generated.d.ts is stale: run `npm run gen:cst`').toBe(
    await sqlCstDts(),
  );
});
