/**
 * Bundles the workflow code once (`npm run build:workflows [-- <file>]`, default
 * `dist/workflow-bundle.js`), as a container image does at build time: a worker given it in
 * WORKFLOW_BUNDLE_PATH starts without bundling. Built with the failure converter the worker's
 * data converter names, so failures raised in workflows are encrypted too, and with the workflow
 * interceptors: the `progress` query reconciliation reads, and the tracing interceptor module (it
 * traces only workflows started with a trace context).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../temporal/data-converter.js';
import { workflowInterceptorModules, workflowsPath } from '../worker.js';

const target = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
const { code } = await bundleWorkflowCode({
  workflowsPath,
  workflowInterceptorModules,
  failureConverterPath,
});
await mkdir(dirname(target), { recursive: true });
await writeFile(target, code);
process.stdout.write(`workflow bundle written to ${target} (${Math.round(code.length / 1024)} KiB)\n`);
