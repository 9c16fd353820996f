/**
 * Two tiny workflows for the real Temporal cluster's test: one that completes through an
 * activity, and one that waits for a signal across a server restart.
 */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

const { greeting } = proxyActivities<{ greeting(name: string): Promise<string> }>({
  startToCloseTimeout: '10s',
});

/** Completes as soon as its one activity has run. */
export async function greet(name: string): Promise<string> {
  return greeting(name);
}

/** Waits for the `release` signal, then completes. */
export async function waitForRelease(name: string): Promise<string> {
  let released = false;
  setHandler(defineSignal('release'), () => {
    released = true;
  });
  await condition(() => released);
  return `released ${name}`;
}
