/**
 * `npm run client:types`: regenerates the typed client's types (clients/typescript) from the
 * OpenAPI document; test/unit/client-types.test.ts fails while they are stale. With `--baseline`
 * it also writes openapi/v1.json, the document portals rely on: only for a release, after the
 * compatibility test (oasdiff) has passed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { openApiDocument } from '../api/openapi-document.js';
import { baselinePath, baselineText, clientTypesPath, clientTypesText } from './openapi-files.js';

const document = await openApiDocument();
const files = [{ path: clientTypesPath, text: await clientTypesText(document) }];
if (process.argv.includes('--baseline'))
  files.push({ path: baselinePath, text: await baselineText(document) });
for (const { path, text } of files) {
  const url = new URL(`../${path}`, import.meta.url);
  await mkdir(dirname(url.pathname), { recursive: true });
  await writeFile(url, text);
  process.stdout.write(`wrote ${path}\n`);
}
