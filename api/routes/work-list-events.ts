import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { taskChangesAfter, taskChangesNow } from '../../db/task-changes.js';
import type { TaskChangePosition } from '../../db/task-changes.js';
import { problemResponses } from '../../schemas/api.js';
import { principalOf } from '../auth/authenticate.js';
import type { ApiDeps } from '../deps.js';
import { serveFeed } from '../event-stream.js';
import { workListScope } from '../work-list-scope.js';
import { taskSummaryView } from '../work-list-views.js';

/** `<change key>.<task id>`: a place in the work list's changes as a frame's id, opaque to clients. */
const changeIdPattern = /^(\d{1,19})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const idOf = (p: TaskChangePosition) => `${p.key}.${p.id}`;

function positionOf(id: string): TaskChangePosition {
  const [, key = '', taskId = ''] = changeIdPattern.exec(id) ?? [];
  return { key, id: taskId };
}

const headersSchema = z.object({
  'last-event-id': z
    .string()
    .regex(changeIdPattern, 'the id of the last frame received')
    .optional()
    .describe('resume after this frame (EventSource sends it on reconnect); unset: from now'),
});

const queryStringSchema = z
  .object({
    department: z.string().min(1).max(64).optional().describe('operators; a clerk follows its own'),
  })
  .strict();

/** One frame of the live view: `ready` once the stream is open, then a `task` per change. */
const taskFrameSchema = z
  .object({
    id: z
      .string()
      .regex(changeIdPattern)
      .describe('where the frame is in the changes: send it back as Last-Event-ID to resume after it'),
    event: z.enum(['ready', 'task']),
    data: z
      .string()
      .describe('for `task`, the task as one of `GET /v1/tasks` lists it, as JSON; for `ready`, `{}`'),
  })
  .meta({ id: 'TaskEventFrame' });

/**
 * The work list's live view. Every API process answers it from PostgreSQL alone: changes are
 * read in the order of `human_tasks.change_key` (the writing transaction's id, migration 0031),
 * settled ones only, so a reconnect with Last-Event-ID, to this process or another, misses
 * nothing. LISTEN/NOTIFY on `onething_tasks` only wakes a stream early; without it, it polls.
 */
export const workListEventRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const openStreams = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const stream of openStreams) stream.abort();
  });
  const pollMs = deps.events?.subscribeTasks ? 5000 : 1000;

  app.get(
    '/v1/tasks/events',
    {
      config: { access: ['clerk', 'operator'] },
      schema: {
        summary: 'Follow the work list as tasks open and change (Server-Sent Events)',
        description:
          'The tasks `GET /v1/tasks` would list to the caller (a clerk or scoped operator: its own department; ' +
          'a region-scoped operator: its region), each time one opens or changes (claimed, released, escalated, ' +
          'decided), as a `task` frame whose data is the task as the list shows it. A task changed twice between ' +
          'two reads is sent once, as it is now. The first frame, `ready`, says the stream is open: what changes ' +
          'after it is sent, so load the list after it. Reconnect with the last id received (Last-Event-ID), to ' +
          'any API process, and nothing is missed. A comment line every 15 s keeps the connection alive.',
        tags: ['tasks'],
        querystring: queryStringSchema,
        headers: headersSchema,
        response: {
          200: {
            description: 'the event stream',
            content: { 'text/event-stream': { schema: taskFrameSchema } },
          },
          ...problemResponses(400, 401, 403, 429),
        },
      },
    },
    async (request, reply) => {
      const scope = workListScope(principalOf(request), request.query.department);
      const lastEventId = request.headers['last-event-id'];
      const position = lastEventId === undefined ? await taskChangesNow(deps.pool) : positionOf(lastEventId);
      const calendar = app.viewDates.calendar;

      reply.hijack();
      await serveFeed({
        raw: reply.raw,
        from: position,
        first: `id: ${idOf(position)}\nevent: ready\ndata: {}\n\n`,
        read: async (after, limit) => {
          const { changes, heldBack } = await taskChangesAfter(deps.pool, scope, after, limit);
          const now = new Date();
          const frames = changes.map(({ position: at, row }) => ({
            at,
            frame: `id: ${idOf(at)}\nevent: task\ndata: ${JSON.stringify(taskSummaryView(row, calendar, now))}\n\n`,
          }));
          return { frames, heldBack };
        },
        subscribe: (wake) =>
          deps.events?.subscribeTasks?.((department) => {
            if (department === undefined || scope.department === undefined || department === scope.department)
              wake();
          }),
        openStreams,
        pollMs,
        // The client reconnects with Last-Event-ID and misses nothing.
        onError: (err) => request.log.warn({ err }, 'work-list event stream failed'),
      });
    },
  );
};
