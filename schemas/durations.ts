const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a definition's duration string (`500ms`, `30s`, `5m`, `2h`, `1d`), already validated by the bundle schema. */
export function durationMs(duration: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(duration);
  if (!match) throw new TypeError(`not a duration: ${duration}`);
  return Number(match[1]) * (unitMs[match[2] ?? ''] ?? 0);
}
