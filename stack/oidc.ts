import { OidcRelyingParty } from '../api/auth/oidc.js';
import { ConfigError } from '../config.js';
import type { Config } from '../config.js';

/** The embedded stack's development provider, as the API must know it. */
export interface DevOidcClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** The callback the provider sends people back to, when OIDC_REDIRECT_URL does not say. */
export const localRedirectUrl = (config: Config) =>
  `http://127.0.0.1:${config.API_PORT}/v1/console/oidc/callback`;

/**
 * How the API signs people in: the configured organisation's provider, else the embedded stack's
 * development provider, else nobody (API keys only). Plain http to the provider is allowed only
 * outside production.
 */
export function relyingPartyFromConfig(config: Config, dev?: DevOidcClient): OidcRelyingParty | undefined {
  const claims = {
    role: config.OIDC_ROLE_CLAIM,
    department: config.OIDC_DEPARTMENT_CLAIM,
    region: config.OIDC_REGION_CLAIM,
    name: config.OIDC_NAME_CLAIM,
    supervisor: config.OIDC_SUPERVISOR_CLAIM,
  };
  const common = {
    redirectUrl: new URL(config.OIDC_REDIRECT_URL ?? localRedirectUrl(config)),
    scope: config.OIDC_SCOPE,
    claims,
    allowHttp: config.NODE_ENV !== 'production',
  };
  if (config.OIDC_ISSUER_URL) {
    if (!config.OIDC_CLIENT_ID) throw new ConfigError('OIDC_CLIENT_ID is needed with OIDC_ISSUER_URL');
    return new OidcRelyingParty({
      ...common,
      issuer: new URL(config.OIDC_ISSUER_URL),
      clientId: config.OIDC_CLIENT_ID,
      ...(config.OIDC_CLIENT_SECRET ? { clientSecret: config.OIDC_CLIENT_SECRET } : {}),
    });
  }
  if (!dev) return undefined;
  return new OidcRelyingParty({
    ...common,
    issuer: new URL(dev.issuer),
    clientId: dev.clientId,
    clientSecret: dev.clientSecret,
  });
}
