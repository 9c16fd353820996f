import pg from 'pg';
import { inheritSealer } from './sealing.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** TLS to PostgreSQL (`DATABASE_SSL_MODE`, `DATABASE_CA_FILE`); undefined: as the connection string says. */
export interface PoolTls {
  mode: 'disable' | 'require' | 'verify-full';
  /** PEM of the CA that signed the server's certificate; the system's CAs when absent. */
  ca?: string;
}

/** A pool for one database; the composition root owns it and ends it on shutdown. */
export function createPool(connectionString: string, max = 10, tls?: PoolTls): Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'onething',
    // Without a limit a request waits forever for a connection while PostgreSQL is away; with it,
    // the request fails soon and is answered 503 (isDatabaseUnavailable).
    connectionTimeoutMillis: 5000,
    ...(tls ? { ssl: sslOptions(tls) } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

function sslOptions(tls: PoolTls): pg.PoolConfig['ssl'] {
  if (tls.mode === 'disable') return false;
  // `require` encrypts without checking who answers (libpq's meaning); `verify-full` checks the
  // certificate chain and the host name.
  if (tls.mode === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, ...(tls.ca ? { ca: tls.ca } : {}) };
}

/** Runs `work` in one transaction, rolled back if it throws. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  inheritSealer(pool, client);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** True for PostgreSQL's unique violation (SQLSTATE 23505): another writer got there first. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof pg.DatabaseError && err.code === '23505';
}

/** SQLSTATE classes and codes that mean "PostgreSQL is not there", not "the query is wrong". */
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300']);
const unavailableSocketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/**
 * True when `err` says PostgreSQL cannot be reached or is shutting down (connection refused or
 * lost, no connection within the pool's timeout, the server starting or stopping, no slots):
 * nothing was changed, and the same request may be sent again later.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (unavailableStates.has(code) || code.startsWith('08') || unavailableSocketCodes.has(code))
  )
    return true;
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|the database system is (starting up|shutting down)/i.test(
    err.message,
  );
}
