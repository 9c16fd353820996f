/** Per-instance state of a simulator; nothing here is shared between two simulators in one process. */
import type { z } from 'zod';
import type { ServiceDefinition } from '../definition.js';
import type { ServiceBehaviour } from './behaviour.js';
import { CallbackSender, type CallbackConfig } from './callbacks.js';
import { Cases } from './cases.js';
import { Ledger, RequestLog } from './ledger.js';

/** Latency waits that closing the simulator can cut short, so `close()` never hangs for minutes. */
export class Waits {
  private readonly wakers = new Set<() => void>();
  private closing = false;

  /** Resolves true after `ms`, or false as soon as the simulator closes. */
  pause(ms: number): Promise<boolean> {
    if (this.closing) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        resolve(true);
      }, ms);
      this.wakers.add(wake);
    });
  }

  wakeAll(): void {
    this.closing = true;
    for (const wake of [...this.wakers]) wake();
  }
}

export interface SimulatorState {
  ledger: Ledger;
  requests: RequestLog;
  behaviours: Map<string, ServiceBehaviour>;
  waits: Waits;
  strictInputs: Map<ServiceDefinition, z.ZodObject>;
  cases: Cases;
  callbacks: CallbackSender;
  /** Each request's body as received, before JSON parsing, for checking its signature. */
  rawBodies: WeakMap<object, string>;
}

export function serviceKey(department: string, service: string): string {
  return `${department}/${service}`;
}

/** Fresh state; `limit` bounds the ledger, the request log and the accepted cases alike. */
export function createState(limit: number, callbacks?: CallbackConfig): SimulatorState {
  const ledger = new Ledger(limit);
  const requests = new RequestLog(limit);
  const sender = new CallbackSender(requests, callbacks);
  const cases = new Cases(limit, (accepted, at) => {
    // Asking for supplements is not the decision the ledger keeps.
    if (accepted.decidedAt !== null) ledger.settle(accepted.record, accepted.verdict, at);
    if (accepted.mode === 'callback') sender.send(accepted);
  });
  return {
    ledger,
    requests,
    behaviours: new Map(),
    waits: new Waits(),
    strictInputs: new Map(),
    cases,
    callbacks: sender,
    rawBodies: new WeakMap(),
  };
}

/** Stops everything that would outlive the server: latency waits, pending decisions, callbacks. */
export async function closeState(state: SimulatorState): Promise<void> {
  state.waits.wakeAll();
  state.cases.close();
  await state.callbacks.close();
}
