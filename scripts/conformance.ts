/**
 * The department conformance kit against a live department system, from the command line:
 *
 *   npx onething-conformance --config departments.json --department police [--service birth-registration]
 *                            [--input valid-input.json] [--timeout-ms 5000]
 *
 * The department's entry of the `DEPARTMENTS_CONFIG` file builds the adapter under test, exactly
 * as production would. Every service of the department is checked unless `--service` names one.
 * Prints one line per check and exits 0 when none failed, 1 when one did, 2 on a usage error.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { departments } from '../departments/catalog/index.js';
import { readDepartmentsFile } from '../departments/configuration.js';
import { runConformance } from '../departments/conformance/checks.js';
import type { CheckReport } from '../departments/conformance/checks.js';
import { liveTarget } from '../departments/conformance/live.js';

const usage =
  'usage: onething-conformance --config <departments.json> --department <id> [--service <id>] [--input <file.json>] [--timeout-ms <n>]';

const out = (text: string) => process.stdout.write(`${text}\n`);

function fail(message: string): never {
  process.stderr.write(`onething-conformance: ${message}\n${usage}\n`);
  process.exit(2);
}

function parsed() {
  try {
    return parseArgs({
      options: {
        config: { type: 'string' },
        department: { type: 'string' },
        service: { type: 'string' },
        input: { type: 'string' },
        'timeout-ms': { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    return fail((err as Error).message);
  }
}

const marks: Record<CheckReport['status'], string> = { passed: 'PASS', skipped: 'SKIP', failed: 'FAIL' };

async function main(): Promise<number> {
  const args = parsed();
  if (!args.config) fail('--config is required');
  if (!args.department) fail('--department is required');
  const department = departments[args.department];
  if (!department) fail(`no department ${args.department} (known: ${Object.keys(departments).join(', ')})`);
  const services = args.service ? [args.service] : Object.keys(department.services);
  const unknown = services.filter((id) => department.services[id] === undefined);
  if (unknown.length > 0) fail(`${department.id} has no service ${unknown.join(', ')}`);
  const timeoutMs = args['timeout-ms'] === undefined ? undefined : Number(args['timeout-ms']);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0))
    fail('--timeout-ms must be a positive whole number of milliseconds');
  let validInput: Record<string, unknown> | undefined;
  if (args.input) {
    try {
      validInput = JSON.parse(await readFile(args.input, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      fail(`--input ${args.input}: ${(err as Error).message}`);
    }
  }

  try {
    const entries = await readDepartmentsFile(args.config);
    if (entries[department.id] === undefined) fail(`${args.config} has no entry for ${department.id}`);
  } catch (err) {
    fail((err as Error).message);
  }

  let failed = 0;
  for (const service of services) {
    out(`${department.id}/${service}`);
    let target;
    try {
      target = await liveTarget({
        configFile: args.config,
        department: department.id,
        service,
        ...(validInput && { validInput }),
        ...(timeoutMs !== undefined && { timeoutMs }),
      });
    } catch (err) {
      fail((err as Error).message);
    }
    for (const report of await runConformance(target)) {
      if (report.status === 'failed') failed += 1;
      out(
        `  ${marks[report.status]}  ${report.id}: ${report.title}${report.detail ? `\n        ${report.detail}` : ''}`,
      );
    }
  }
  out(failed === 0 ? 'conformance: no check failed' : `conformance: ${failed} check(s) failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
