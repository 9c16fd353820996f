import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';

/** How clients and workers reach the Temporal frontend: the same for both. */
export interface TemporalConnectionSettings {
  address: string;
  /** TLS (server CA, client certificate for mTLS, server name); undefined: plain gRPC. */
  tls?: TLSConfig;
  apiKey?: string;
}

type ConnectionConfig = Pick<
  Config,
  | 'TEMPORAL_TLS_CA_FILE'
  | 'TEMPORAL_TLS_CERT_FILE'
  | 'TEMPORAL_TLS_KEY_FILE'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY'
>;

/**
 * The frontend at `address` with the TLS and API key settings of the configuration. Certificate
 * files are read here, at start, so a wrong path stops start-up naming the variable.
 */
export function temporalConnectionSettings(
  address: string,
  config: ConnectionConfig,
): TemporalConnectionSettings {
  const read = (variable: keyof ConnectionConfig) => {
    const path = config[variable];
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError(`${variable} (${path}) cannot be read: ${(err as Error).message}`);
    }
  };
  const ca = read('TEMPORAL_TLS_CA_FILE');
  const crt = read('TEMPORAL_TLS_CERT_FILE');
  const key = read('TEMPORAL_TLS_KEY_FILE');
  if ((crt === undefined) !== (key === undefined)) {
    throw new ConfigError(
      'TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together: mutual TLS needs the certificate and its key',
    );
  }
  const wantsTls =
    ca !== undefined ||
    crt !== undefined ||
    config.TEMPORAL_TLS_SERVER_NAME !== undefined ||
    config.TEMPORAL_API_KEY !== undefined;
  const tls: TLSConfig | undefined = wantsTls
    ? {
        ...(ca ? { serverRootCACertificate: ca } : {}),
        ...(crt && key ? { clientCertPair: { crt, key } } : {}),
        ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
      }
    : undefined;
  return {
    address,
    ...(tls ? { tls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}
