import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { cpuBetween, cpuSnapshot } from '../cpu.js';
import { mapBounded, now } from '../stats.js';
import { runRaw } from '../round.js';
import type { Target } from '../workers.js';
import { submitAndFollow } from './portal.js';
import type { FollowMode, PortalTarget } from './portal.js';

/**
 * The end-to-end comparison's kinds: the engine as a portal sees it, following its applications
 * by polling (`e2e`, the measure) or by the event stream (`e2eSse`), and raw Temporal
 * (`raw`) with the same number in flight.
 */
export type E2eKind = 'e2e' | 'e2eSse' | 'raw';

export const e2eKinds: readonly E2eKind[] = ['e2e', 'e2eSse', 'raw'];

export const e2eKindLabels: Record<E2eKind, string> = {
  e2e: 'engine e2e (poll)',
  e2eSse: 'engine e2e (SSE)',
  raw: 'raw',
};

/** What one end-to-end round measured, before it is summarised. */
export interface E2eSample {
  ids: string[];
  /** Temporal workflow ids, to read histories from. */
  workflowIds: string[];
  ms: number;
  /** Submission to the end the client saw, per application. */
  latencies: number[];
  /** GETs the portal made per application (poll mode). */
  reads: number[];
  cpu: ReturnType<typeof cpuBetween>;
}

export interface E2eRoundOptions {
  portal: PortalTarget;
  /** The raw kind's client and worker (the benchmark process's own). */
  rawClient: Client;
  rawTarget: Target;
  /** Names of the deployment's processes in the CPU figures. */
  labels: ReadonlyMap<number, string>;
  applications: number;
  inFlight: number;
}

/**
 * One round of a kind: `applications` in all, at most `inFlight` at a time, each lane starting
 * the next as soon as its previous one ended. The rate is applications / the round's time.
 */
export async function runE2eRound(options: E2eRoundOptions, kind: E2eKind): Promise<E2eSample> {
  const indexes = Array.from({ length: options.applications }, (_, i) => i);
  const cpuBefore = await cpuSnapshot(options.labels);
  const started = now();
  let results: Array<{ id: string; workflowId: string; ms: number; reads: number }>;
  if (kind === 'raw') {
    results = await mapBounded(indexes, options.inFlight, async () => {
      const id = randomUUID();
      const workflowId = `bench-raw-e2e-${id}`;
      return {
        id,
        workflowId,
        ms: await runRaw(options.rawClient, options.rawTarget, id, workflowId),
        reads: 0,
      };
    });
  } else {
    const mode: FollowMode = kind === 'e2eSse' ? 'sse' : 'poll';
    results = await mapBounded(indexes, options.inFlight, async () => {
      const followed = await submitAndFollow(options.portal, mode);
      if (followed.status !== 'completed') {
        throw new Error(`application ${followed.id} ended ${followed.status}, not completed`);
      }
      return { ...followed, workflowId: applicationWorkflowId(followed.id) };
    });
  }
  const ms = now() - started;
  return {
    ids: results.map((r) => r.id),
    workflowIds: results.map((r) => r.workflowId),
    ms,
    latencies: results.map((r) => r.ms),
    reads: results.map((r) => r.reads),
    cpu: cpuBetween(cpuBefore, await cpuSnapshot(options.labels)),
  };
}
