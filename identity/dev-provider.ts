import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import { defaultClaimNames } from '../api/auth/person-claims.js';

/** A person of the development provider: signs in with `login` and any password. */
export interface DevPerson {
  login: string;
  name: string;
  role?: 'operator' | 'admin' | 'clerk';
  department?: string;
  region?: string;
  /** Supervises their department: sees its supervisor queue. */
  supervisor?: boolean;
}

/**
 * The people of the embedded stack's provider, one per kind of console user, and one without a
 * role (who is refused). Printed at start-up like the development keys.
 */
export const devPeople: readonly DevPerson[] = [
  { login: 'wang.fang', name: '王芳 Wang Fang', role: 'operator' },
  { login: 'zhou.min', name: '周敏 Zhou Min', role: 'operator', department: 'police' },
  { login: 'zhao.lei', name: '赵磊 Zhao Lei', role: 'admin' },
  { login: 'li.ming', name: '李明 Li Ming', role: 'clerk', department: 'vehicle-office', region: '330106' },
  { login: 'chen.jing', name: '陈静 Chen Jing', role: 'clerk', department: 'police', region: '330106' },
  {
    login: 'sun.li',
    name: '孙丽 Sun Li',
    role: 'clerk',
    department: 'vehicle-office',
    region: '330106',
    supervisor: true,
  },
  { login: 'visitor', name: '访客 Visitor' },
];

export interface DevProviderOptions {
  host?: string;
  port: number;
  clientId: string;
  clientSecret: string;
  /** The API's callback URLs the client may be sent back to. */
  redirectUris: readonly string[];
  people?: readonly DevPerson[];
}

export interface RunningDevProvider {
  issuer: string;
  close(): Promise<void>;
}

/**
 * A development OpenID provider: `oidc-provider` (a certified implementation) with its built-in
 * sign-in pages, a few named people, and consent taken as given for Onething's one client. Its
 * state lives in memory and its signing key is new at each start: for a laptop and for tests,
 * never for production (which is configured with the organisation's issuer, or refuses to start).
 */
export async function startDevOidcProvider(options: DevProviderOptions): Promise<RunningDevProvider> {
  const host = options.host ?? '127.0.0.1';
  const issuer = `http://${host}:${options.port}`;
  const people = new Map((options.people ?? devPeople).map((p) => [p.login, p]));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'dev', use: 'sig', alg: 'RS256' };
  const claimNames = defaultClaimNames;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [...options.redirectUris],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { methods: ['S256'], required: () => true },
    claims: {
      openid: ['sub'],
      profile: [
        claimNames.name,
        claimNames.role,
        claimNames.department,
        claimNames.region,
        claimNames.supervisor,
      ],
    },
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: { devInteractions: { enabled: true } },
    // A working day's sign-in, as the console session; codes and tokens last minutes.
    ttl: {
      Interaction: 10 * 60,
      Session: 8 * 60 * 60,
      Grant: 8 * 60 * 60,
      AuthorizationCode: 60,
      AccessToken: 10 * 60,
      IdToken: 10 * 60,
    },
    findAccount: (_ctx: KoaContextWithOIDC, id: string): Account | undefined => {
      const person = people.get(id);
      if (!person) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          [claimNames.name]: person.name,
          ...(person.role ? { [claimNames.role]: person.role } : {}),
          ...(person.department ? { [claimNames.department]: person.department } : {}),
          ...(person.region ? { [claimNames.region]: person.region } : {}),
          ...(person.supervisor ? { [claimNames.supervisor]: true } : {}),
        }),
      };
    },
    // Onething is the organisation's own application: no consent page for it.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
  });

  const server: Server = await new Promise((resolve, reject) => {
    const listening = provider.listen(options.port, host, () => resolve(listening));
    listening.once('error', reject);
  });
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
