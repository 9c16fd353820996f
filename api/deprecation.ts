import type { FastifyInstance, FastifyReply } from 'fastify';

/** A route portals should stop calling: since when, until when it is served, and what replaces it. */
export interface RouteDeprecation {
  /** When it was deprecated (ISO date). */
  since: string;
  /** When it may stop being served (ISO date); announced as `Sunset`. */
  sunset?: string;
  /** The operation that replaces it, e.g. `/v2/applications`. */
  successor?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks the operation `deprecated` in the document and every answer with the headers below. */
    deprecation?: RouteDeprecation;
  }
}

/**
 * Deprecated operations say so on every answer, so a portal learns of it from its own traffic,
 * not only from the document: `Deprecation: @<unix seconds>` (RFC 9745), `Sunset: <HTTP date>`
 * (RFC 8594) and `Link: <successor>; rel="successor-version"`. The document marks the operation
 * `deprecated`, which is what oasdiff looks for before it allows the operation's removal.
 * Registered before the routes: it sees each as it is added.
 */
export function deprecationHeaders(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const deprecation = route.config?.deprecation;
    if (deprecation === undefined) return;
    route.schema = { ...route.schema, deprecated: true };
    const headers: Record<string, string> = {
      deprecation: `@${Math.floor(Date.parse(deprecation.since) / 1000)}`,
      ...(deprecation.sunset ? { sunset: new Date(deprecation.sunset).toUTCString() } : {}),
      ...(deprecation.successor ? { link: `<${deprecation.successor}>; rel="successor-version"` } : {}),
    };
    const setHeaders = async (_request: unknown, reply: FastifyReply, payload: unknown) => {
      reply.headers(headers);
      return payload;
    };
    const previous = route.onSend;
    const earlier = previous === undefined ? [] : Array.isArray(previous) ? previous : [previous];
    route.onSend = [...earlier, setHeaders] as typeof route.onSend;
  });
}
