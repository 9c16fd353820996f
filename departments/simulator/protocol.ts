/** What the simulator answers when it does not answer with a decision: `{ code, reason }` bodies. */
import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { problemCodes } from '../../schemas/error-codes.js';

/** `code` values of the department protocol; the HTTP adapter maps each to a step outcome. */
export const simulatorCodes = {
  /** 400: the `Idempotency-Key` header is missing or empty. */
  idempotencyKeyRequired: problemCodes.idempotencyKeyRequired,
  /** 503: transient; retrying with the same key is safe. */
  unavailable: 'UNAVAILABLE',
  /** 503: the department is down for a window; transient like `UNAVAILABLE`. */
  outage: 'OUTAGE',
  /** 404: the catalogue has no such department or service. A misrouted call, not a rejection: retried. */
  unknownService: 'UNKNOWN_SERVICE',
  /** 404: the service has no accepted case with that receipt number. A lost case, not a rejection: retried. */
  unknownCase: 'UNKNOWN_CASE',
  /** 404: the department issued no electronic certificate of that number (`GET …/certificates/:number`). */
  unknownCertificate: 'UNKNOWN_CERTIFICATE',
  /** 400, final (a rejection): the body is not the service's input; `reason` names the field. */
  invalidInput: 'INVALID_INPUT',
  /** 401: the request is not signed by the department's key; `reason` says how (see `VerifyFailure`). */
  signatureInvalid: 'SIGNATURE_INVALID',
} as const;

/** A protocol error body. */
export interface Problem {
  code: string;
  reason: string;
}

/** One line per issue, naming the field, e.g. `motherIdNumber: not a valid 18-character ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${[...path, key].join('.')}: unknown field`).join('; ');
      }
      return `${path.length > 0 ? path.join('.') : 'body'}: ${issue.message}`;
    })
    .join('; ');
}

export function problem(reply: FastifyReply, status: number, code: string, reason: string): FastifyReply {
  return reply.code(status).send({ code, reason });
}

/** The page a web server or gateway answers an error with: HTML, nothing of the protocol. */
export function gatewayPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>gateway</center></body></html>`;
}

/** A web server's default page: what answers when something else than the department's API sits at its URL. */
export function welcomePage(): string {
  return '<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>It works!</h1><p>This is the default web page for this server.</p></body></html>';
}

/**
 * `body` as JSON, padded with a `padding` field to `bytes` bytes (or as it is, if already that
 * long), streamed in 64 KiB pieces so the simulator never holds a large answer in memory.
 */
export function paddedJson(body: object, bytes: number): Readable {
  const text = JSON.stringify(body);
  const head = `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"padding":"`;
  const tail = '"}';
  let padding = bytes - Buffer.byteLength(head) - tail.length;
  if (padding < 0) return Readable.from([text]);
  const piece = 'x'.repeat(64 * 1024);
  return Readable.from(
    (function* pieces() {
      yield head;
      for (; padding > 0; padding -= piece.length)
        yield padding >= piece.length ? piece : piece.slice(0, padding);
      yield tail;
    })(),
  );
}
