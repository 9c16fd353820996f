import type { ApplicationView } from '../schemas/api.js';
import { finalApplicationStatuses } from '../schemas/status.js';

type Write = (line: string) => void;

const statusMarks: Record<string, string> = {
  pending: '·',
  running: '…',
  waiting: '⏸',
  completed: '✓',
  rejected: '✗',
  skipped: '–',
  compensated: '↺',
  failed: '!',
};

/**
 * Slows each simulated department a little, so a person watching the demo sees the steps
 * move one department at a time instead of all at once.
 */
export async function shapeSimulatorForDemo(simulatorUrl: string): Promise<void> {
  const latencies: Record<string, number> = {
    'health/birth-certificate': 1200,
    'cdc/vaccination-certificate': 2500,
    'police/birth-registration': 1500,
    'medical-insurance/resident-enrolment': 900,
    'tax/resident-contribution': 700,
    'hr-social-security/social-security-card': 1800,
    'medical-insurance/maternity-benefit': 1000,
  };
  for (const [service, latencyMs] of Object.entries(latencies)) {
    await fetch(`${simulatorUrl}/admin/services/${service}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs }),
    });
  }
}

/** Submits the bundle's example application and prints its progress, department by department, until it ends. */
export async function runDemo(
  apiUrl: string,
  bundleId: string,
  portalKey: string,
  write: Write,
): Promise<ApplicationView> {
  const authorization = `Bearer ${portalKey}`;
  const bundle = (await (await fetch(`${apiUrl}/v1/bundles/${bundleId}`)).json()) as { example: unknown };
  const created = await fetch(`${apiUrl}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `demo-${Date.now()}`, authorization },
    body: JSON.stringify(bundle.example),
  });
  if (created.status !== 201)
    throw new Error(`demo submission failed: ${created.status} ${await created.text()}`);
  let view = (await created.json()) as ApplicationView;
  write(`submitted application ${view.id} (${bundleId}): ${apiUrl}/v1/applications/${view.id}`);
  const seen = new Map<string, string>();
  const started = Date.now();
  for (;;) {
    for (const step of view.steps) {
      const shown = `${step.status}:${step.attempts}`;
      if (seen.get(step.id) === shown) continue;
      seen.set(step.id, shown);
      const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
      const outputs = step.outputs ? ` → ${JSON.stringify(step.outputs)}` : '';
      const error = step.error ? ` (${step.error.code}: ${step.error.message})` : '';
      write(
        `${seconds}s ${statusMarks[step.status] ?? '?'} ${step.department.padEnd(18)} ${step.title.zh} ${step.title.en}: ${step.status}${outputs}${error}`,
      );
    }
    if (finalApplicationStatuses.includes(view.status)) break;
    if (Date.now() - started > 120_000)
      throw new Error('the demo application did not finish within 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, 250));
    view = (await (
      await fetch(`${apiUrl}/v1/applications/${view.id}`, { headers: { authorization } })
    ).json()) as ApplicationView;
  }
  write(`application ${view.id}: ${view.status}`);
  return view;
}
