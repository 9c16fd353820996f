import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import type { ReplayResult } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { allBundles } from '../../bundles/index.js';
import { dataConverterFor } from '../../temporal/data-converter.js';
import { recordedExamples } from '../support/recordings.js';
import { fixtureKeyring, recordedHistories } from '../support/replay-fixtures.js';

async function replay(
  options: { workflowsPath?: string; codePath?: string },
  only?: (name: string) => boolean,
) {
  const histories = (await recordedHistories()).filter((h) => !only || only(h.name));
  const dataConverter = dataConverterFor(await fixtureKeyring());
  const results: ReplayResult[] = [];
  const source = options.codePath
    ? { workflowBundle: { codePath: options.codePath } }
    : { workflowsPath: options.workflowsPath ?? '' };
  for await (const result of Worker.runReplayHistories({ ...source, dataConverter }, histories))
    results.push(result);
  return { histories, results };
}

describe('safe versioning: recorded histories replay against the current workflow code', () => {
  it('has a recorded history for every bundle, of its current version and of each of its paths', async () => {
    const names = (await recordedHistories()).map((h) => h.name);
    for (const { name } of allBundles.flatMap(recordedExamples))
      expect(names).toContain(`${name}.history.json`);
  });

  it('replays every recorded history without a determinism error', async () => {
    const { histories, results } = await replay({ codePath: inject('workflowBundlePath') });
    expect(results).toHaveLength(histories.length);
    for (const result of results) expect(result.error, result.workflowId).toBeUndefined();
  }, 120_000);

  it('catches a deliberately incompatible change', async () => {
    const workflowsPath = fileURLToPath(new URL('../support/incompatible-workflows.ts', import.meta.url));
    const { results } = await replay({ workflowsPath }, (name) => name === 'newborn-completed.history.json');
    expect(results).toHaveLength(1);
    expect(results[0]?.error).toBeInstanceOf(DeterminismViolationError);
  }, 120_000);
});
