/** A counter that only goes up, with optional labels. */
export interface Counter {
  inc(labels?: Record<string, string>, by?: number): void;
}

interface CounterState {
  name: string;
  help: string;
  values: Map<string, { labels: Record<string, string>; value: number }>;
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** `{a="1",b="2"}`, or nothing without labels. */
export function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

/**
 * The process's own counters, rendered in the Prometheus text format at `GET /metrics`. Small on
 * purpose: a deployment that wants more scrapes the Temporal and PostgreSQL exporters too.
 */
export class MetricsRegistry {
  private readonly counters = new Map<string, CounterState>();

  counter(name: string, help: string): Counter {
    let state = this.counters.get(name);
    if (!state) {
      state = { name, help, values: new Map() };
      this.counters.set(name, state);
    }
    const values = state.values;
    return {
      inc(labels = {}, by = 1) {
        const key = formatLabels(labels);
        const current = values.get(key) ?? { labels, value: 0 };
        current.value += by;
        values.set(key, current);
      },
    };
  }

  /** Every counter in the Prometheus text exposition format (a counter never used shows 0). */
  render(): string {
    const lines: string[] = [];
    for (const c of this.counters.values()) {
      lines.push(`# HELP ${c.name} ${c.help}`, `# TYPE ${c.name} counter`);
      if (c.values.size === 0) lines.push(`${c.name} 0`);
      for (const [labels, { value }] of c.values) lines.push(`${c.name}${labels} ${value}`);
    }
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }
}
