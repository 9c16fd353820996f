import { z } from 'zod';

/** A console session as the browser sees it; the token itself stays in the HttpOnly cookie. */
export const consoleSessionSchema = z
  .object({
    csrfToken: z.string().describe('send as X-CSRF-Token with every change made with the session cookie'),
    name: z.string().describe("who the session acts for: the person's display name, or the API key's name"),
    role: z.string().describe('operator, operator:<department>, admin, or clerk:<department>'),
    expiresAt: z.iso.datetime().describe('when the session ends; sign in again then'),
    supervisor: z
      .boolean()
      .describe(
        "a person who supervises their department (the OpenID provider's claim): the console shows them the department's supervisor queue",
      ),
  })
  .meta({ id: 'ConsoleSession' });
