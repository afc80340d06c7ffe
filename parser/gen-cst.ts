/** `npm run gen:cst`: writes parser/cst.generated.d.ts from the grammar. */
import { writeFileSync } from 'node:fs';

import { CST_DTS_FILE, sqlCstDts } from './cst-dts.js';

writeFileSync(CST_DTS_FILE, await sqlCstDts());
console.log(`wrote ${CST_DTS_FILE.pathname}`);
