import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';

// What the image's processes load, found by reading their sources: the files they import (from
// their entry points, through relative imports) and the packages. Type-only imports are erased
// at run time and left out.

/** Reads a file of the repository by its path from the root; undefined when there is none. */
export type ReadFile = (path: string) => Promise<string | undefined>;

export interface RuntimeImports {
  files: string[];
  /** Package name → the first file that imports it. */
  packages: Map<string, string>;
}

const staticImport = /(?:^|\n)[ \t]*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g;
const dynamicImport = /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The files and packages the entry files load, following relative imports. */
export async function runtimeImports(entries: string[], read: ReadFile): Promise<RuntimeImports> {
  const files: string[] = [];
  const packages = new Map<string, string>();
  const queue = [...entries];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await read(file);
    if (text === undefined) throw new Error(`${file} is imported but not found`);
    files.push(file);
    const specifiers = [
      ...[...text.matchAll(staticImport)].filter((m) => !m[1]).map((m) => m[2] ?? ''),
      ...[...text.matchAll(dynamicImport)].map((m) => m[1] ?? ''),
    ];
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) {
        queue.push(await resolveRelative(file, specifier, read));
        continue;
      }
      const name = packageName(specifier);
      if (name && !packages.has(name)) packages.set(name, file);
    }
  }
  return { files, packages };
}

/** `./x.js` from TypeScript is `./x.ts` on disk (NodeNext resolution); other files as named. */
async function resolveRelative(from: string, specifier: string, read: ReadFile): Promise<string> {
  const path = normalize(join(dirname(from), specifier));
  if (path.endsWith('.js')) {
    const ts = `${path.slice(0, -3)}.ts`;
    if ((await read(ts)) !== undefined) return ts;
  }
  return path;
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`); undefined for Node's own. */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? ''))
    return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Whether `.dockerignore` keeps a path (relative to the root) out of the build context. */
export function dockerignored(patterns: string[], path: string): boolean {
  let ignored = false;
  const parents = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  for (const line of patterns) {
    const negated = line.startsWith('!');
    const pattern = normalize(line.slice(negated ? 1 : 0).replace(/^\//, ''));
    const regex = globRegex(pattern);
    if (parents.some((p) => regex.test(p))) ignored = !negated;
  }
  return ignored;
}

// A `.dockerignore` pattern as a regex: `**` and a slash is any number of directories, `**`
// alone anything, `*` and `?` stay within one name.
function globRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (pattern.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (pattern.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** The patterns of a `.dockerignore` file: comments and blank lines dropped. */
export const dockerignorePatterns = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
