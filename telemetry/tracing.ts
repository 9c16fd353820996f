import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config.js';

/** Tracing as installed in this process: what the Temporal interceptors and sinks need. */
export interface Tracing {
  /** Receives every span, the workflows' too (through the worker's sink). */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/** Whether this process traces; when not, the request hooks and interceptors are not installed at all. */
export function activeTracing(): Tracing | undefined {
  return installed;
}

/**
 * Installs OpenTelemetry tracing for the process, once: the tracer provider, the
 * AsyncLocalStorage context manager (so the active span follows a request or an activity through
 * its awaits) and the W3C trace-context propagator (`traceparent` in and out). Spans go to
 * `spanProcessor`; the Temporal interceptors and the department adapter use the global API.
 */
export function installTracing(options: {
  serviceName: string;
  spanProcessor: SpanProcessor;
  /** Share of new traces sampled; a caller's sampled flag is followed. */
  ratio?: number;
}): Tracing {
  if (installed) return installed;
  const resource = new Resource({ 'service.name': options.serviceName });
  const provider = new BasicTracerProvider({
    resource,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.ratio ?? 1) }),
    spanProcessors: [options.spanProcessor],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  installed = { spanProcessor: options.spanProcessor, resource, shutdown: () => provider.shutdown() };
  return installed;
}

/**
 * Tracing as the standard `OTEL_*` variables say: OTLP over HTTP (protobuf) to
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`, batched.
 * Undefined (nothing installed, nothing spent) when neither is set or OTEL_SDK_DISABLED is true.
 */
export function tracingFromConfig(
  config: Pick<
    Config,
    | 'OTEL_EXPORTER_OTLP_ENDPOINT'
    | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
    | 'OTEL_EXPORTER_OTLP_HEADERS'
    | 'OTEL_SERVICE_NAME'
    | 'OTEL_TRACES_SAMPLER_ARG'
    | 'OTEL_SDK_DISABLED'
  >,
): Tracing | undefined {
  const url = tracesUrlOf(config);
  if (!url || config.OTEL_SDK_DISABLED === true) return undefined;
  const exporter = new OTLPTraceExporter({
    url,
    headers: parseOtlpHeaders(config.OTEL_EXPORTER_OTLP_HEADERS),
  });
  return installTracing({
    serviceName: config.OTEL_SERVICE_NAME,
    spanProcessor: new BatchSpanProcessor(exporter),
    ratio: config.OTEL_TRACES_SAMPLER_ARG,
  });
}

/** The traces URL the variables name, per the OTLP exporter specification; undefined when none. */
export function tracesUrlOf(
  config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'>,
): string | undefined {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
}

/** `k1=v1,k2=v2` (values URL-encoded, as the specification says) as a header map. */
export function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}
