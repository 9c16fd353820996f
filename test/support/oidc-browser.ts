/**
 * Signs a person in the way a browser does, with fetch: follows redirects by hand, keeps the
 * cookies of the host (the API and the provider share 127.0.0.1, and cookies ignore ports, as in
 * a browser), and submits the development provider's sign-in form.
 */
export class OidcBrowser {
  private readonly cookies = new Map<string, string>();

  /** The cookie header this browser sends (every cookie it holds). */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** One request with this browser's cookies; keeps those it is given. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    for (const line of response.headers.getSetCookie()) this.keep(line);
    return response;
  }

  /**
   * Follows redirects from `url` until a page that is not one; a page with the provider's
   * sign-in form is submitted as `login`. Returns the last answer (the API's callback page, or
   * its refusal) and every URL visited.
   */
  async signIn(url: string, login: string): Promise<{ response: Response; visited: string[] }> {
    const visited: string[] = [];
    let next: { url: string; init?: RequestInit } | undefined = { url };
    let loggedIn = false;
    for (let hops = 0; next && hops < 20; hops += 1) {
      visited.push(next.url);
      const response = await this.request(next.url, next.init);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        next = { url: new URL(location, next.url).href };
        continue;
      }
      const form: LoginForm | undefined =
        !loggedIn && response.headers.get('content-type')?.includes('text/html')
          ? loginFormOf(await response.clone().text(), next.url)
          : undefined;
      if (!form) return { response, visited };
      loggedIn = true;
      next = {
        url: form.action,
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ ...form.hidden, login, password: 'any' }).toString(),
        },
      };
    }
    throw new Error(`sign-in did not settle: ${visited.join(' → ')}`);
  }

  private keep(line: string) {
    const [pair, ...attributes] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (!pair || eq < 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
    if (expired) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

interface LoginForm {
  action: string;
  hidden: Record<string, string>;
}

/** The development provider's sign-in form on this page, if it has one: its action and hidden fields. */
function loginFormOf(html: string, pageUrl: string): LoginForm | undefined {
  const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form?.[1] || !form[2]?.includes('name="login"')) return undefined;
  const hidden: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    if (input[1]) hidden[input[1]] = input[2] ?? '';
  }
  return { action: new URL(form[1], pageUrl).href, hidden };
}
