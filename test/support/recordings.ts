import type { BundleDefinition, ExampleRequest } from '../../bundles/definition.js';

/** One example run the recorder records and the replay test requires, by its recording's name. */
export interface RecordedExample {
  name: string;
  request: ExampleRequest;
}

/**
 * Every bundle's example and those of its other paths, each named for its recording:
 * `<bundle>-completed` for version 1, `<bundle>-v<version>-completed` after a change of its
 * steps (the old version's recording stays, append-only), `<bundle>[-v<n>]-<path>-completed`
 * for another path.
 */
export function recordedExamples(bundle: BundleDefinition): RecordedExample[] {
  const base = bundle.version === 1 ? bundle.id : `${bundle.id}-v${bundle.version}`;
  return [
    { name: `${base}-completed`, request: bundle.example },
    ...(bundle.otherExamples ?? []).map((other) => ({
      name: `${base}-${other.id}-completed`,
      request: other.request,
    })),
  ];
}
