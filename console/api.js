/** @typedef {import('./types').Problem} Problem */
/** @typedef {import('./types').Session} Session */

// Per tab, and gone when the tab closes: the cookie alone cannot make a change without it.
const csrfStorageKey = 'onething.console.csrfToken';

/** A refusal of the API, with the title and detail of its problem+json for the page to show. */
export class ApiProblem extends Error {
  /**
   * @param {number} status
   * @param {string} title
   * @param {string | undefined} detail
   */
  constructor(status, title, detail) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiProblem';
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

/**
 * @param {Response} response
 * @param {unknown} body
 */
function problemOf(response, body) {
  const problem = /** @type {Partial<Problem> | undefined} */ (body);
  return new ApiProblem(
    response.status,
    typeof problem?.title === 'string' ? problem.title : `The API answered ${response.status}`,
    typeof problem?.detail === 'string' ? problem.detail : undefined,
  );
}

/**
 * Calls the API with the session cookie; changes carry the session's CSRF token.
 * @template T
 * @param {'GET' | 'POST' | 'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<T>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrfToken = sessionStorage.getItem(csrfStorageKey);
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  /** @type {unknown} */
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw problemOf(response, parsed);
  return /** @type {T} */ (parsed);
}

/**
 * A path with its query; empty values left out.
 * @param {string} path
 * @param {Record<string, string | undefined>} query
 */
export function withQuery(path, query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Signs in with an operator's API key; the API answers with a session cookie.
 * @param {string} apiKey
 */
export async function signIn(apiKey) {
  /** @type {Session} */
  const session = await api('POST', '/v1/console/session', { apiKey });
  sessionStorage.setItem(csrfStorageKey, session.csrfToken);
  return session;
}

/** The session of this browser, or null when it has none. */
export async function currentSession() {
  try {
    /** @type {Session} */
    const session = await api('GET', '/v1/console/session');
    sessionStorage.setItem(csrfStorageKey, session.csrfToken);
    return session;
  } catch (err) {
    if (err instanceof ApiProblem && err.status === 401) {
      sessionStorage.removeItem(csrfStorageKey);
      return null;
    }
    throw err;
  }
}

export async function signOut() {
  try {
    await api('DELETE', '/v1/console/session');
  } finally {
    sessionStorage.removeItem(csrfStorageKey);
  }
}
