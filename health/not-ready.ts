import type { NotReadyPart } from '../schemas/api.js';
import { problemCodes } from '../schemas/error-codes.js';

/** The 503 body of a process that is not ready: which parts are down, in words and by name. */
export function notReady(down: NotReadyPart[]) {
  return {
    type: 'https://onething.dev/problems/not-ready',
    status: 503,
    code: problemCodes.notReady,
    title: 'Not ready',
    detail: `Down: ${down.join(', ')}`,
    down,
  };
}
