/**
 * What a round runs. `engine`, `engineEncrypted` and `raw` always run: the comparison the issue
 * asks for, and the same engine with the payload codec production uses. The other two
 * (BENCH_DIAGNOSE=1) split the gap between engine and raw into its parts.
 */
export type Kind = 'engine' | 'engineEncrypted' | 'raw' | 'rawProjected' | 'engineNoDb';

export const comparedKinds: readonly Kind[] = ['engine', 'engineEncrypted', 'raw'];
export const diagnosticKinds: readonly Kind[] = ['rawProjected', 'engineNoDb'];

/** Kinds that run the engine's `newborn` workflow over the read model, started as the API starts them. */
export const engineKinds: readonly Kind[] = ['engine', 'engineEncrypted', 'engineNoDb'];

export const kindLabels: Record<Kind, string> = {
  engine: 'engine',
  engineEncrypted: 'engine + AES',
  raw: 'raw',
  rawProjected: 'raw + LAs',
  engineNoDb: 'engine, no DB',
};

export const kindDescriptions: Record<Kind, string> = {
  engine: 'the engine: createOnethingWorker, PostgreSQL read model, no-op department adapter',
  engineEncrypted: 'the engine with the production payload codec: every payload AES-256-GCM encrypted',
  raw: 'plain Temporal: the same step graph as 7 no-op activities',
  rawProjected: "raw plus the engine's projection local activities, writing nowhere",
  engineNoDb: 'the engine with a pool that answers every read-model query at once',
};
