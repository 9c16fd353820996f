import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { dutyChannelsFrom } from '../../notifications/duty-channels.js';
import { parseOtlpHeaders, tracesUrlOf } from '../../telemetry/tracing.js';

describe('the OTEL_* variables', () => {
  it('turn tracing on only with an endpoint, the traces URL as the OTLP specification builds it', () => {
    expect(tracesUrlOf(loadConfig({}))).toBeUndefined();
    expect(tracesUrlOf(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }))).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      tracesUrlOf(
        loadConfig({
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
        }),
      ),
    ).toBe('http://traces:4318/custom');
  });

  it('read headers as key=value pairs with URL-encoded values', () => {
    expect(parseOtlpHeaders('authorization=Bearer%20abc, x-tenant=gov ,broken')).toEqual({
      authorization: 'Bearer abc',
      'x-tenant': 'gov',
    });
  });

  it('refuse a sampling ratio outside 0..1 and take the metrics ports', () => {
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(ConfigError);
    expect(loadConfig({ METRICS_PORT: '9464', TEMPORAL_METRICS_PORT: '' })).toMatchObject({
      METRICS_PORT: 9464,
      TEMPORAL_METRICS_PORT: undefined,
    });
  });
});

describe('DUTY_CHANNELS_FILE', () => {
  it("gives a department its own channels and those of '*'", () => {
    const channels = dutyChannelsFrom({
      police: [{ type: 'webhook', url: 'https://duty.internal/police', secret: 'x'.repeat(16) }],
      '*': [{ type: 'webhook', name: 'all', url: 'http://duty.internal/all', secret: 'y'.repeat(16) }],
    });
    expect(channels('police').map((c) => c.name)).toEqual(['police#1', 'all']);
    expect(channels('tax').map((c) => c.name)).toEqual(['all']);
  });

  it('refuses a channel without a usable secret or URL, naming where', () => {
    expect(() =>
      dutyChannelsFrom({ police: [{ type: 'webhook', url: 'ftp://duty.internal', secret: 'short' }] }),
    ).toThrow(/police\.0\.(url|secret)/);
  });
});
