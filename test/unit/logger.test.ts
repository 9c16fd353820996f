import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../privacy/logger.js';

/** A logger writing into an array of parsed lines. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', destination), lines };
}

describe('the masking logger', () => {
  it("masks an ID number in a request's URL, which Fastify logs through its serializer", async () => {
    const { logger, lines } = capture();
    const app = Fastify({ loggerInstance: logger });
    app.get('/x', async () => 'ok');
    await app.inject({ method: 'GET', url: '/x?cursor=110101199003071234' });
    await app.close();
    const text = JSON.stringify(lines);
    expect(text).toContain('110101********1234');
    expect(text).not.toContain('110101199003071234');
    // Nothing of the request beyond method, URL, host and address: never its headers.
    const incoming = lines.find((l) => l.msg === 'incoming request');
    expect(Object.keys(incoming?.req as object).sort()).toEqual(['host', 'method', 'remoteAddress', 'url']);
  });

  it('masks an error logged as `err`, message and stack', () => {
    const { logger, lines } = capture();
    logger.error({ err: new Error('duplicate key (110101199003071234)') }, 'failed');
    const text = JSON.stringify(lines);
    expect(text).toContain('110101********1234');
    expect(text).not.toContain('110101199003071234');
  });
});
