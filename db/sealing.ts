/**
 * How the read model keeps citizen data encrypted at rest: personal values (step outputs, error
 * messages, work-list inputs, supplements, decisions, event data) are written as sealed tokens,
 * encrypted with the application's own data key, and opened when read. The composition root
 * attaches one `Sealer` to the pool (`attachSealer`); the query functions of `db/` find it there,
 * so a pool without one fails loudly instead of writing clear text.
 */
export interface Sealer {
  /** `value` as a sealed token (a string), bound to the application. */
  seal(applicationId: string, value: unknown): Promise<string>;
  /**
   * The value a token stands for; a value that is not a token (stored before encryption at rest)
   * as it is; null once the application's data was erased.
   */
  open(value: unknown): Promise<unknown>;
}

/** What every sealed token starts with; a migration or scan can tell sealed values from clear ones. */
export const sealedPrefix = 'sealed:v1:';

/** True for a value written by `Sealer.seal`. */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(sealedPrefix);
}

const sealerSlot = Symbol('onething.sealer');
type WithSealer = { [sealerSlot]?: Sealer };

/** Gives a pool (or a client taken from it) the sealer its query functions use. */
export function attachSealer<T extends object>(db: T, sealer: Sealer): T {
  (db as WithSealer)[sealerSlot] = sealer;
  return db;
}

/** Passes a pool's sealer on to a client taken from it. */
export function inheritSealer(from: object, to: object): void {
  const sealer = (from as WithSealer)[sealerSlot];
  if (sealer) (to as WithSealer)[sealerSlot] = sealer;
}

/** The sealer attached to this pool or client; throws if there is none, so nothing is stored in clear by mistake. */
export function sealerOf(db: object): Sealer {
  const sealer = (db as WithSealer)[sealerSlot];
  if (!sealer) {
    throw new Error('this pool has no sealer (attachSealer): citizen data would be stored in clear');
  }
  return sealer;
}

/** Seals a value that may be absent (undefined) or cleared (null): those stay as they are. */
export async function sealOptional<T>(
  sealer: Sealer,
  applicationId: string,
  value: T | null | undefined,
): Promise<string | null | undefined> {
  if (value === undefined) return undefined;
  if (value === null) return null;
  return sealer.seal(applicationId, value);
}
