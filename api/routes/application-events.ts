import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eventsAfter } from '../../db/events.js';
import { Wakeup } from '../../notifications/wakeup.js';
import { maskDeep } from '../../privacy/mask.js';
import { applicationIdParamsSchema, problemResponses } from '../../schemas/api.js';
import { applicationEventSchemaId, applicationEventTypeSchema } from '../../schemas/events.js';
import type { ApplicationEvent } from '../../schemas/events.js';
import { finalApplicationStatuses } from '../../schemas/status.js';
import { readableApplication, viewFor } from '../application-access.js';
import { principalOf } from '../auth/authenticate.js';
import { visibleStepIds } from '../auth/scope.js';
import type { ApiDeps } from '../deps.js';
import { heartbeatMs, openEventStream, writeChunk } from '../event-stream.js';

const batchSize = 100;

const lastEventIdHeadersSchema = z.object({
  'last-event-id': z
    .string()
    .regex(/^\d{1,9}$/, 'the seq of the last event received')
    .optional()
    .describe('resume after this seq (sent by EventSource on reconnect); unset: from the first event'),
});

/**
 * One frame of the stream: before OpenAPI 3.2 (`itemSchema`) a text/event-stream schema
 * describes each event. `data` is an ApplicationEvent as JSON; OpenAPI 3.0 has no keyword to
 * say so (`contentSchema` is 3.1), hence the extension.
 */
const eventFrameSchema = z
  .object({
    id: z.string().regex(/^\d+$/).describe("the event's seq: send it back as Last-Event-ID to resume"),
    event: applicationEventTypeSchema,
    data: z.string().meta({
      description: 'the ApplicationEvent, as JSON',
      'x-content-schema': { $ref: `#/components/schemas/${applicationEventSchemaId}` },
    }),
  })
  .meta({ id: 'ApplicationEventFrame' });

const endsApplication = (event: ApplicationEvent) =>
  event.type === 'application.status_changed' &&
  (finalApplicationStatuses as readonly string[]).includes(event.status);

/** One Server-Sent Events frame; the seq is the id a reconnecting client sends back. */
const frameOf = (event: ApplicationEvent) =>
  `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

export const applicationEventRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  // Open streams would hold the server open on shutdown; they are ended first.
  const openStreams = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const stream of openStreams) stream.abort();
  });
  // With notifications a poll is only a safety net; without them it is how events are found.
  const pollMs = deps.events ? 5000 : 1000;

  app.get(
    '/v1/applications/:id/events',
    {
      config: { access: ['portal', 'operator'] },
      schema: {
        summary: "Stream an application's events (Server-Sent Events)",
        description:
          'Replays the events after Last-Event-ID (or all), then streams new ones as they happen; ' +
          'each frame is `id: <seq>`, `event: <type>`, `data: <ApplicationEvent JSON>`. A comment line ' +
          "every 15 s keeps the connection alive. The stream ends after the event of the application's " +
          'final status; resuming after that event is answered 204, which stops EventSource reconnecting.',
        tags: ['applications'],
        params: applicationIdParamsSchema,
        headers: lastEventIdHeadersSchema,
        response: {
          200: {
            description: 'the event stream',
            content: { 'text/event-stream': { schema: eventFrameSchema } },
          },
          204: z.null().describe('the application ended and every event was sent before'),
          ...problemResponses(400, 401, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const applicationId = request.params.id;
      const found = await readableApplication(deps.pool, request, applicationId);
      // Others than the applicant's portal see personal data masked, and the read is logged.
      const masked = principalOf(request).role !== 'portal';
      // A scoped operator follows its own steps' events and the application's own (its status).
      const visible = visibleStepIds(principalOf(request), found.steps);
      const shown = (event: ApplicationEvent) =>
        visible === undefined || event.stepId === undefined || visible.has(event.stepId);
      if (masked) await viewFor(deps.pool, request, found);
      let lastSeq = Number(request.headers['last-event-id'] ?? 0);
      const ended = finalApplicationStatuses.includes(found.application.status);
      // An ended application has all its events; none after lastSeq means nothing more will come.
      if (ended && (await eventsAfter(deps.pool, applicationId, lastSeq, 1)).length === 0) {
        return reply.code(204).send(null);
      }

      reply.hijack();
      const raw = reply.raw;
      openEventStream(raw);
      const closed = new AbortController();
      openStreams.add(closed);
      raw.on('close', () => closed.abort());
      const wakeup = new Wakeup();
      const unsubscribe = deps.events?.subscribe((id) => {
        if (id === undefined || id === applicationId) wakeup.wake();
      });
      const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), heartbeatMs);
      try {
        while (!closed.signal.aborted) {
          const events = await eventsAfter(deps.pool, applicationId, lastSeq, batchSize);
          for (const event of events) {
            if (closed.signal.aborted) return;
            if (shown(event))
              await writeChunk(raw, frameOf(masked ? { ...event, data: maskDeep(event.data) } : event));
            lastSeq = event.seq;
            if (endsApplication(event)) return;
          }
          if (events.length === batchSize) continue;
          if (ended && events.length === 0) return;
          await wakeup.wait(pollMs, closed.signal);
        }
      } catch (err) {
        // The client reconnects with Last-Event-ID and misses nothing.
        request.log.warn({ err, applicationId }, 'event stream failed');
      } finally {
        clearInterval(heartbeat);
        unsubscribe?.();
        openStreams.delete(closed);
        raw.end();
      }
    },
  );
};
