import { describe, expect, it } from 'vitest';
import { createTaskMetrics } from '../../metrics/work-list.js';
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
  it('renders the escalation counter in the Prometheus text format, 0 before any escalation', () => {
    const metrics = createTaskMetrics();
    expect(metrics.registry.render()).toBe(
      [
        '# HELP onething_tasks_escalated_total Work-list tasks escalated to the supervisor queue: past due, or asked by an operator.',
        '# TYPE onething_tasks_escalated_total counter',
        'onething_tasks_escalated_total 0',
        '',
      ].join('\n'),
    );
    metrics.tasksEscalated.inc({ department: 'police' });
    metrics.tasksEscalated.inc({ department: 'police' });
    metrics.tasksEscalated.inc({ department: 'say "hi"' });
    expect(metrics.registry.render()).toContain('onething_tasks_escalated_total{department="police"} 2\n');
    expect(metrics.registry.render()).toContain(
      'onething_tasks_escalated_total{department="say \\"hi\\""} 1\n',
    );
  });
});
