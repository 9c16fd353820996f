/**
 * `npm run console:types`: writes the console's types and lists (console/types.d.ts,
 * console/contract.js) from the zod schemas. Run it after changing a schema the console reads.
 */
import { writeFile } from 'node:fs/promises';
import { consoleContractFiles } from './console-contract.js';

for (const { path, text } of await consoleContractFiles()) {
  await writeFile(new URL(`../${path}`, import.meta.url), text);
  process.stdout.write(`wrote ${path}\n`);
}
