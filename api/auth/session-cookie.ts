import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie that carries an operator's console session token. */
export const sessionCookieName = 'onething_session';

/** How long a console session lasts: a working day. */
export const sessionTtlSeconds = 8 * 60 * 60;

/** A new session or CSRF token: 256 random bits, cookie- and header-safe. */
export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The session token in a `Cookie` header, or undefined. A tiny parser instead of a plugin: only
 * one cookie matters, and its value is base64url, so it needs no unquoting or decoding.
 */
export function sessionTokenFrom(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== sessionCookieName) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * The `Set-Cookie` value of a session. HttpOnly: page scripts never read it. SameSite=Strict: no
 * other site's page makes the browser send it (origins on the same host still share it, which
 * is how the Temporal UI next to the API gets it). Secure when the API is reached over https.
 */
export function sessionCookie(token: string, secure: boolean, maxAgeSeconds = sessionTtlSeconds): string {
  return `${sessionCookieName}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${
    secure ? '; Secure' : ''
  }`;
}

/** The `Set-Cookie` value that makes the browser drop the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', secure, 0);
}

/** Compares a CSRF token in constant time. */
export function sameToken(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
