import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config.js';
import { applyCatalog, readCatalogFile } from '../../departments/catalog-file.js';
import { departments, findService } from '../../departments/catalog/index.js';
import { sampleInput } from '../../departments/conformance/sample-input.js';
import { loadCatalogFile } from '../../stack/from-config.js';

let dir: string;
const builtIn = { ...departments };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onething-catalog-'));
  return () => rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  // The catalogue is the process's: put the built-in one back after each test.
  for (const id of Object.keys(departments)) if (!(id in builtIn)) delete departments[id];
  Object.assign(departments, builtIn);
});

/** The built-in police as a catalogue file would declare them: JSON Schemas of the zod ones. */
function policeAsFile(change: (services: Record<string, Record<string, unknown>>) => void = () => undefined) {
  const police = builtIn['police'];
  if (!police) throw new Error('no police');
  const services = Object.fromEntries(
    Object.values(police.services).map((s) => [
      s.id,
      { title: s.title, input: z.toJSONSchema(s.input), output: z.toJSONSchema(s.output) },
    ]),
  );
  change(services);
  return { departments: { police: { title: police.title, services } } };
}

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('a department catalogue from a file', () => {
  it('loads YAML that declares what the built-in catalogue does, and every bundle still fits', async () => {
    const file = await write('police.yaml', toYaml(policeAsFile()));
    await loadCatalogFile(file);
    const service = findService('police', 'birth-registration');
    expect(service).toBeDefined();
    expect(service).not.toBe(builtIn['police']?.services['birth-registration']);
    expect(
      service?.input.safeParse(
        sampleInput(builtIn['police']?.services['birth-registration']?.input ?? z.object({})),
      ).success,
    ).toBe(true);
  });

  it('stops the start when a bundle maps a field the department no longer receives', async () => {
    const file = await write(
      'police-without-ethnicity.json',
      JSON.stringify(
        policeAsFile((services) => {
          const input = services['birth-registration']?.['input'] as {
            properties: Record<string, unknown>;
            required: string[];
          };
          delete input.properties['ethnicity'];
          input.required = input.required.filter((field) => field !== 'ethnicity');
        }),
      ),
    );
    const failure = await loadCatalogFile(file).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/does not fit the bundles/);
    expect((failure as Error).message).toMatch(/newborn.*householdRegistration.*ethnicity/s);
  });

  it('adds a department the built-in catalogue lacks, with its undo', async () => {
    const file = await write(
      'archives.json',
      JSON.stringify({
        departments: {
          archives: {
            title: { zh: '档案馆', en: 'Archives' },
            services: {
              'record-copy': {
                title: { zh: '档案查询', en: 'Record copy' },
                input: {
                  type: 'object',
                  properties: { idNumber: { type: 'string', minLength: 18 } },
                  required: ['idNumber'],
                },
                output: {
                  type: 'object',
                  properties: { copyNumber: { type: 'string' } },
                  required: ['copyNumber'],
                },
                undo: { title: { zh: '撤回', en: 'Withdraw' } },
              },
            },
          },
        },
      }),
    );
    applyCatalog(await readCatalogFile(file));
    const service = findService('archives', 'record-copy');
    expect(service?.undo?.title.en).toBe('Withdraw');
    expect(service?.input.safeParse({ idNumber: 'x' }).success).toBe(false);
    expect(service?.output.safeParse({ copyNumber: 'C-1' }).success).toBe(true);
  });

  it.each([
    [
      'a service whose input is not an object schema',
      {
        police: {
          title: { zh: '公安', en: 'Police' },
          services: {
            s: { title: { zh: 'a', en: 'a' }, input: { type: 'string' }, output: { type: 'object' } },
          },
        },
      },
      /departments\.police\.services\.s\.input\.type/,
    ],
    [
      'an unknown field',
      { police: { title: { zh: '公安', en: 'Police' }, services: {}, modes: [] } },
      /departments\.police: .*modes/,
    ],
    [
      'a department id that is not one',
      { 'Police!': { title: { zh: '公安', en: 'Police' }, services: {} } },
      /departments\.Police!/,
    ],
  ])('names what is wrong with %s', async (_what, body, message) => {
    const file = await write(
      `bad-${Math.random().toString(16).slice(2)}.json`,
      JSON.stringify({ departments: body }),
    );
    const failure = await readCatalogFile(file).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(message);
  });

  it('names a file that is not JSON', async () => {
    const file = await write('broken.json', '{ departments');
    await expect(readCatalogFile(file)).rejects.toThrow(
      /DEPARTMENT_CATALOG \(.*broken\.json\) cannot be read/,
    );
  });
});
