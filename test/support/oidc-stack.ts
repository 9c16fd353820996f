import { OidcRelyingParty } from '../../api/auth/oidc.js';
import { defaultClaimNames } from '../../api/auth/person-claims.js';
import { startDevOidcProvider } from '../../identity/dev-provider.js';
import type { DevPerson, RunningDevProvider } from '../../identity/dev-provider.js';
import { freePort } from '../../net/free-port.js';
import { startTestStack } from './stack.js';
import type { TestStack, TestStackOptions } from './stack.js';

/**
 * The test stack with people who sign in as themselves: a real OpenID provider (oidc-provider)
 * knowing `people`, and the API as its relying party on a port fixed first, since the provider
 * must know the callback address before the API exists. `close` stops both.
 */
export async function startStackWithPeople(
  people: readonly DevPerson[],
  options: Omit<TestStackOptions, 'apiPort' | 'oidc'> = {},
): Promise<{ stack: TestStack; provider: RunningDevProvider; close(): Promise<void> }> {
  const apiPort = await freePort();
  const redirectUrl = `http://127.0.0.1:${apiPort}/v1/console/oidc/callback`;
  const clientId = 'onething-console';
  const clientSecret = 'test-secret';
  const provider = await startDevOidcProvider({
    port: await freePort(),
    clientId,
    clientSecret,
    redirectUris: [redirectUrl],
    people,
  });
  try {
    const stack = await startTestStack({
      ...options,
      apiPort,
      oidc: new OidcRelyingParty({
        issuer: new URL(provider.issuer),
        clientId,
        clientSecret,
        redirectUrl: new URL(redirectUrl),
        scope: 'openid profile',
        claims: defaultClaimNames,
        allowHttp: true,
      }),
    });
    return {
      stack,
      provider,
      async close() {
        await stack.close();
        await provider.close();
      },
    };
  } catch (err) {
    await provider.close();
    throw err;
  }
}
