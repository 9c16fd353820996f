/**
 * What a round runs. `engine` and `raw` are the comparison the issue asks for; the other two
 * (BENCH_DIAGNOSE=1) split the gap between them into its parts.
 */
export type Kind = 'engine' | 'raw' | 'rawProjected' | 'engineNoDb';

export const comparedKinds: readonly Kind[] = ['engine', 'raw'];
export const diagnosticKinds: readonly Kind[] = ['rawProjected', 'engineNoDb'];

export const kindLabels: Record<Kind, string> = {
  engine: 'engine',
  raw: 'raw',
  rawProjected: 'raw + LAs',
  engineNoDb: 'engine, no DB',
};

export const kindDescriptions: Record<Kind, string> = {
  engine: 'the engine: createOnethingWorker, PostgreSQL read model, no-op department adapter',
  raw: 'plain Temporal: the same step graph as 7 no-op activities',
  rawProjected: "raw plus the engine's projection local activities, writing nowhere",
  engineNoDb: 'the engine with a pool that answers every read-model query at once',
};
