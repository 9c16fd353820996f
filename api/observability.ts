import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServiceMetrics } from '../metrics/service.js';
import { withApplicationId } from '../telemetry/log-context.js';

interface RequestState {
  startedAt: bigint;
  span?: Span;
  context?: Context;
}

// Routes whose `:id` is an application's: their log lines name it.
const applicationRoute = /\/applications\/:id(\/|$)/;

/**
 * RED metrics and a server span for every request. Added before any route: each handler is
 * wrapped so the request's span is active while it runs (body parsing and hooks run outside the
 * context a hook could set), which is what joins the Temporal client's start span, and so the
 * workflow, to the portal's trace. Labels name the route's pattern, never the URL as sent.
 * Without tracing no span is made; without metrics nothing is counted.
 */
export function observeRequests(
  app: FastifyInstance,
  options: { metrics?: ServiceMetrics; tracing: boolean },
): void {
  const { metrics, tracing } = options;
  const states = new WeakMap<FastifyRequest, RequestState>();
  const tracer = trace.getTracer('onething-api');

  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    const isApplicationRoute = applicationRoute.test(route.url);
    route.handler = function (this: FastifyInstance, request, reply) {
      const run = () => handler.call(this, request, reply);
      const params = request.params as Record<string, unknown> | undefined;
      const applicationId = isApplicationRoute && typeof params?.id === 'string' ? params.id : undefined;
      const inApplication = applicationId ? () => withApplicationId(applicationId, run) : run;
      const active = states.get(request)?.context;
      return active ? context.with(active, inApplication) : inApplication();
    };
  });

  app.addHook('onRequest', (request, _reply, done) => {
    const state: RequestState = { startedAt: process.hrtime.bigint() };
    if (tracing) {
      // A portal that traces sends `traceparent`: the request joins its trace.
      const parent = propagation.extract(ROOT_CONTEXT, request.headers);
      const route = request.routeOptions.url ?? 'unmatched';
      state.span = tracer.startSpan(
        `${request.method} ${route}`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } },
        parent,
      );
      state.context = trace.setSpan(parent, state.span);
    }
    states.set(request, state);
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const state = states.get(request);
    if (!state) return done();
    const status = reply.statusCode;
    if (metrics) {
      const labels = {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(status),
      };
      metrics.httpRequests.inc(labels);
      metrics.httpRequestDuration.observe(labels, Number(process.hrtime.bigint() - state.startedAt) / 1e9);
    }
    if (state.span) {
      state.span.setAttribute('http.response.status_code', status);
      if (status >= 500) state.span.setStatus({ code: SpanStatusCode.ERROR });
      state.span.end();
    }
    done();
  });
}
