import { describe, expect, it } from 'vitest';
import { createServiceMetrics } from '../../metrics/service.js';
import { createStubVideoProvider } from '../../video/provider.js';

describe('the stub video provider', () => {
  const request = {
    taskId: '6f1c1a52-6c1e-4a3e-9d8e-0d6c2b1f3a10',
    applicationId: 'a',
    department: 'vehicle-office',
  };

  it('makes one room per task, the same on every call (the activity is retried)', async () => {
    const provider = createStubVideoProvider();
    const first = await provider.createSession(request);
    expect(await provider.createSession(request)).toEqual(first);
    expect(first.provider).toBe('stub');
    expect(first.room).toMatch(/^vehicle-office-[0-9a-f]{16}$/);
    const other = await provider.createSession({ ...request, taskId: 'another' });
    expect(other.room).not.toBe(first.room);
  });

  it('gives the citizen and the officer their own link under the base URL', async () => {
    const session = await createStubVideoProvider().createSession(request);
    expect(session.joinUrls).toEqual({
      citizen: `https://video.invalid/rooms/${session.room}?role=citizen`,
      officer: `https://video.invalid/rooms/${session.room}?role=officer`,
    });
    const custom = await createStubVideoProvider({
      baseUrl: 'https://video.example.gov.cn/v/',
    }).createSession(request);
    expect(custom.joinUrls.citizen).toBe(`https://video.example.gov.cn/v/rooms/${custom.room}?role=citizen`);
  });
});

describe('task metrics', () => {
  it('renders the escalation counter in the Prometheus text format, by department and cause', async () => {
    const metrics = createServiceMetrics();
    const before = await metrics.registry.metrics();
    expect(before).toContain('# TYPE onething_tasks_escalated_total counter\n');
    expect(before).not.toMatch(/^onething_tasks_escalated_total\{/m);
    metrics.tasksEscalated.inc({ department: 'police', cause: 'overdue' });
    metrics.tasksEscalated.inc({ department: 'police', cause: 'overdue' });
    metrics.tasksEscalated.inc({ department: 'say "hi"', cause: 'operator' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('onething_tasks_escalated_total{department="police",cause="overdue"} 2\n');
    expect(text).toContain('onething_tasks_escalated_total{department="say \\"hi\\"",cause="operator"} 1\n');
  });
});
