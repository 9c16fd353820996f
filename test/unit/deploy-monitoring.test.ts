import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportedMetricNames } from '../../metrics/catalogue.js';
import { createServiceMetrics } from '../../metrics/service.js';

const keywords = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
]);

/** The metric names a PromQL expression reads (functions, keywords, labels and durations left out). */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '');
  // A whole token followed by `(` is a function; numbers never start with a letter.
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter(([, , call]) => call === undefined)
    .map(([, token]) => token as string)
    .filter((token) => !keywords.has(token) && !/^(inf|nan)$/i.test(token));
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}

let exported: Set<string>;
beforeAll(async () => {
  exported = await exportedMetricNames(createServiceMetrics().registry);
});

describe('deploy/prometheus/alerts.yml', () => {
  const file = parse(readFileSync('deploy/prometheus/alerts.yml', 'utf8')) as {
    groups: Array<{ name: string; rules: Rule[] }>;
  };
  const rules = file.groups.flatMap((g) => g.rules);

  it('pages on what the issue names: department errors, schedule-to-start, past due, webhook lag, no pollers', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'OnethingDepartmentErrorRatioHigh',
        'OnethingWorkflowScheduleToStartHigh',
        'OnethingApplicationsPastDueGrowing',
        'OnethingWebhookLag',
        'OnethingNoWorkerPolling',
      ]),
    );
  });

  it('reads only metrics Onething exports, in every expression', () => {
    for (const rule of rules) {
      const names = metricsIn(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(exported, `${rule.alert} reads ${name}`).toContain(name);
    }
  });

  it('gives every rule a duration, a severity and a summary', () => {
    for (const rule of rules) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['page', 'ticket'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
    }
  });

  it('is checked by a parser that finds a name that is not exported', () => {
    expect(
      metricsIn('sum by (department) (rate(onething_nothing_total{outcome="failed"}[5m])) > 0.2'),
    ).toEqual(['onething_nothing_total']);
    expect(exported).not.toContain('onething_nothing_total');
  });
});

describe('deploy/grafana/onething.json', () => {
  const dashboard = JSON.parse(readFileSync('deploy/grafana/onething.json', 'utf8')) as {
    panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
  };
  const panels = dashboard.panels.filter((p) => p.type !== 'row');

  it('shows throughput, latency, department health and due-time breaches', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(
      expect.arrayContaining(['Throughput', 'API (RED)', 'Department health', 'Due-time breaches']),
    );
  });

  it('names an exported metric in every query of every panel', () => {
    for (const panel of panels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        const names = metricsIn(target.expr);
        expect(names.length, panel.title).toBeGreaterThan(0);
        for (const name of names) expect(exported, `${panel.title} reads ${name}`).toContain(name);
      }
    }
  });
});
