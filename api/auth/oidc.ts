import { createHash } from 'node:crypto';
import * as openid from 'openid-client';
import type { ClaimNames } from './person-claims.js';

/** How the API signs people in through the organisation's OpenID provider. */
export interface OidcSettings {
  issuer: URL;
  clientId: string;
  /** Unset: a public client, PKCE alone protecting the code. */
  clientSecret?: string;
  /** This API's `/v1/console/oidc/callback` as the provider knows it. */
  redirectUrl: URL;
  /** Space-separated scopes asked for; `openid` among them. */
  scope: string;
  claims: ClaimNames;
  /** Only for a development provider on this machine: plain http to the issuer. */
  allowHttp?: boolean;
}

/** What a sign-in sends the browser to the provider with, and what its callback needs back. */
export interface SignInStart {
  url: URL;
  state: string;
  codeVerifier: string;
  nonce: string;
}

/**
 * The relying party: authorization code with PKCE, through `openid-client` (a certified
 * implementation), never hand-written OAuth. The provider's metadata is discovered on the first
 * sign-in, not at start-up, so the API starts while the provider is briefly away.
 */
export class OidcRelyingParty {
  private configuration: Promise<openid.Configuration> | undefined;

  constructor(readonly settings: OidcSettings) {}

  async start(): Promise<SignInStart> {
    const config = await this.discovered();
    const codeVerifier = openid.randomPKCECodeVerifier();
    const state = openid.randomState();
    const nonce = openid.randomNonce();
    const url = openid.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUrl.href,
      scope: this.settings.scope,
      code_challenge: await openid.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state, codeVerifier, nonce };
  }

  /**
   * Exchanges the callback's code for tokens (the ID token's signature, issuer, audience, expiry
   * and nonce checked) and returns the person's claims: the ID token's, with the UserInfo
   * endpoint's over them (many providers put role claims only there).
   */
  async finish(
    callbackQuery: string,
    expected: { state: string; codeVerifier: string; nonce: string },
  ): Promise<Record<string, unknown>> {
    const config = await this.discovered();
    const callbackUrl = new URL(this.settings.redirectUrl.href);
    callbackUrl.search = callbackQuery;
    const tokens = await openid.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('the provider returned no ID token');
    const userInfo = await openid.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    return { ...idClaims, ...userInfo };
  }

  private discovered(): Promise<openid.Configuration> {
    this.configuration ??= openid
      .discovery(
        this.settings.issuer,
        this.settings.clientId,
        undefined,
        this.settings.clientSecret === undefined
          ? openid.None()
          : openid.ClientSecretPost(this.settings.clientSecret),
        this.settings.allowHttp ? { execute: [openid.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        // A failed discovery is tried again at the next sign-in.
        this.configuration = undefined;
        throw err;
      });
    return this.configuration;
  }
}

/** What is stored of a state or browser binding: its hash, so a database reader cannot finish a sign-in. */
export const bindingHash = (value: string) => createHash('sha256').update(value).digest('base64url');
