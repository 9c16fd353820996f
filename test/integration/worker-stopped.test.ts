import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('progress comes from the read model', () => {
  it('is readable with the worker stopped, and the application resumes when a worker returns', async () => {
    const finished = await stack.submit(newbornRequest());
    const done = await stack.waitForApplication(finished.body.id, ended);
    expect(done.status).toBe('completed');

    await stack.stopWorker();
    // A finished application: its whole history is still there without any worker.
    const read = await stack.getApplication(done.id);
    expect(read).toEqual(done);

    // A new application is accepted and shows its steps waiting for a worker.
    const submitted = await stack.submit(newbornRequest());
    expect(submitted.status).toBe(201);
    const waiting = await stack.getApplication(submitted.body.id);
    expect(waiting.status).toBe('running');
    expect(waiting.steps.every((s) => s.status === 'pending')).toBe(true);

    await stack.startWorker();
    const resumed = await stack.waitForApplication(submitted.body.id, ended);
    expect(resumed.status).toBe('completed');
  });
});
