/**
 * Checking Onething's requests to a simulated department, when the callback configuration asks for
 * it (`verifyRequests`): the department signs its callbacks and verifies Onething's calls, polls
 * and undos with one and the same key.
 */
import { verifyRequest } from '../signing.js';
import type { Problem } from './protocol.js';
import { simulatorCodes } from './protocol.js';
import type { SimulatorState } from './state.js';

/** What of a request its signature covers. */
interface SignedRequest {
  method: string;
  /** As received: the path and any query. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The 401 body for a request not signed by its department's key, or undefined when it is, or when
 * the department's requests go unchecked (verification off, or no key for the department).
 */
export function signatureProblem(
  state: SimulatorState,
  department: string,
  request: SignedRequest,
): Problem | undefined {
  const config = state.callbacks.configuration;
  if (config?.verifyRequests !== true || !Object.hasOwn(config.keys, department)) return undefined;
  const key = config.keys[department];
  if (key === undefined) return undefined;
  const result = verifyRequest(
    new Map([[key.keyId, key.secret]]),
    {
      method: request.method,
      // Signed over the path alone, exactly as sent, and the body byte for byte as it arrived.
      path: request.url.split('?', 1)[0] ?? '',
      body: state.rawBodies.get(request) ?? '',
      headers: request.headers,
    },
    new Date(),
    key.algorithm,
  );
  return result.ok ? undefined : { code: simulatorCodes.signatureInvalid, reason: result.failure };
}
