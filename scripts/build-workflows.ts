/**
 * Bundles the workflow code once (`npm run build:workflows [-- <file>]`, default
 * `dist/workflow-bundle.js`), as a container image does at build time: a worker given it in
 * WORKFLOW_BUNDLE_PATH starts without bundling. Built with the failure converter the worker's
 * data converter names, so failures raised in workflows are encrypted too. Writes a traced
 * sibling too (`<file stem>.traced.js`, with Temporal's OpenTelemetry workflow interceptors),
 * which a worker with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT) runs instead: without tracing no
 * interceptor runs at all.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { tracedBundlePath } from '../stack/from-config.js';
import { failureConverterPath } from '../temporal/data-converter.js';
import { tracingWorkflowInterceptorsPath } from '../temporal/tracing.js';
import { workflowsPath } from '../worker.js';

const target = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
await mkdir(dirname(target), { recursive: true });
for (const [path, workflowInterceptorModules] of [
  [target, []],
  [tracedBundlePath(target), [tracingWorkflowInterceptorsPath]],
] as const) {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    failureConverterPath,
    workflowInterceptorModules: [...workflowInterceptorModules],
  });
  await writeFile(path, code);
  process.stdout.write(`workflow bundle written to ${path} (${Math.round(code.length / 1024)} KiB)\n`);
}
