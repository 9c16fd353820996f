import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { feedStart, portalEventsAfter } from '../../db/portal-feed.js';
import type { FeedPosition } from '../../db/portal-feed.js';
import { problemResponses } from '../../schemas/api.js';
import { applicationEventSchemaId, applicationEventTypeSchema } from '../../schemas/events.js';
import { portalClientOf } from '../auth/authenticate.js';
import type { ApiDeps } from '../deps.js';
import { serveFeed } from '../event-stream.js';

/** `<feed key>.<application id>.<seq>`: a feed position as a frame's id, opaque to portals. */
const feedIdPattern =
  /^(\d{1,19})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,9})$/;

const idOf = (p: FeedPosition) => `${p.feedKey}.${p.applicationId}.${p.seq}`;

function positionOf(id: string): FeedPosition {
  const [, feedKey = '', applicationId = '', seq = ''] = feedIdPattern.exec(id) ?? [];
  return { feedKey, applicationId, seq: Number(seq) };
}

const feedHeadersSchema = z.object({
  'last-event-id': z
    .string()
    .regex(feedIdPattern, 'the id of the last frame received')
    .optional()
    .describe('resume after this frame (EventSource sends it on reconnect); unset: from the first event'),
});

/** One frame of the portal's feed; `data` is an ApplicationEvent as JSON. */
const feedFrameSchema = z
  .object({
    id: z
      .string()
      .regex(feedIdPattern)
      .describe('where the frame is in the feed: send it back as Last-Event-ID to resume after it'),
    event: applicationEventTypeSchema,
    data: z.string().meta({
      description: 'the ApplicationEvent, as JSON',
      'x-content-schema': { $ref: `#/components/schemas/${applicationEventSchemaId}` },
    }),
  })
  .meta({ id: 'PortalEventFrame' });

/** The client id of the calling portal: its feed carries its own applications only. */
/**
 * One stream of every event of a portal's applications, from PostgreSQL: any API process
 * serves it, and a reconnect with Last-Event-ID, to the same process or another, misses and
 * repeats nothing (the order is the database's, db/portal-feed.ts).
 */
export const portalEventRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const openStreams = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const stream of openStreams) stream.abort();
  });
  const pollMs = deps.events ? 5000 : 1000;

  app.get(
    '/v1/events',
    {
      config: { access: ['portal'] },
      schema: {
        summary: "Stream every event of your portal's applications (Server-Sent Events)",
        description:
          'Every event of every application this portal created, in one order that each application keeps ' +
          '(seq 1, 2, 3, …): first those after Last-Event-ID (all without it), then new ones as they happen; ' +
          'each frame is `id: <position>`, `event: <type>`, `data: <ApplicationEvent JSON>`. The stream does not ' +
          'end; reconnect with the last id received, to any API process, and nothing is missed or repeated. ' +
          'A comment line every 15 s keeps the connection alive.',
        tags: ['applications'],
        headers: feedHeadersSchema,
        response: {
          200: {
            description: 'the event stream',
            content: { 'text/event-stream': { schema: feedFrameSchema } },
          },
          ...problemResponses(400, 401, 403, 429),
        },
      },
    },
    async (request, reply) => {
      const clientId = portalClientOf(request);
      const lastEventId = request.headers['last-event-id'];
      const position = lastEventId === undefined ? feedStart : positionOf(lastEventId);

      reply.hijack();
      await serveFeed({
        raw: reply.raw,
        from: position,
        read: async (after, limit) => {
          const { events, heldBack } = await portalEventsAfter(deps.pool, clientId, after, limit);
          const frames = events.map(({ position: at, event }) => ({
            at,
            frame: `id: ${idOf(at)}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
          }));
          return { frames, heldBack };
        },
        subscribe: (wake) => deps.events?.subscribe(() => wake()),
        openStreams,
        pollMs,
        // The client reconnects with Last-Event-ID and misses nothing.
        onError: (err) => request.log.warn({ err }, 'portal event stream failed'),
      });
    },
  );
};
