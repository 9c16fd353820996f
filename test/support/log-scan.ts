import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCitizenIdNumber } from '../../schemas/fields.js';
import { maskIdNumber } from '../../privacy/mask.js';

const candidate = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g;

/** Finds valid resident ID numbers in clear in text; each finding is reported masked. */
export function findIdNumbers(text: string): string[] {
  return [...text.matchAll(candidate)]
    .map((m) => m[0].toUpperCase())
    .filter(isCitizenIdNumber)
    .map(maskIdNumber);
}

/** Scans every `.log` file of a folder; findings name the file and line. */
export async function scanLogsForIdNumbers(dir: string): Promise<{ files: number; findings: string[] }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.log'));
  const findings: string[] = [];
  for (const file of files) {
    const lines = (await readFile(join(dir, file), 'utf8')).split('\n');
    lines.forEach((line, i) => {
      for (const id of findIdNumbers(line)) findings.push(`${file}:${i + 1}: ${id}`);
    });
  }
  return { files: files.length, findings };
}
