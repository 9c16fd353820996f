import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withMaterialLinks } from '../../activities/material-links.js';
import type { MaterialLinkDeps } from '../../activities/material-links.js';
import type { ServiceDefinition } from '../../departments/definition.js';
import { verifyMaterialLink } from '../../materials/links.js';
import type { LinkQuery } from '../../materials/links.js';
import type { Materials } from '../../materials/materials.js';
import { materialLink } from '../../schemas/materials.js';
import { randomKeyring } from '../../temporal/keyring.js';

const id = `mat_${'a'.repeat(32)}`;
const keyring = randomKeyring();
const now = Date.UTC(2026, 11, 3, 9, 0, 0);
const deps: MaterialLinkDeps = {
  materials: {
    metadata: async (asked: string) =>
      asked === id
        ? {
            id,
            portal: 'p',
            size: 10,
            content_type: 'image/png',
            sha256: 'b'.repeat(64),
            storage_key: `materials/${id}`,
            created_at: new Date(),
          }
        : undefined,
  } as unknown as Materials,
  keyring,
  baseUrl: () => 'http://api.test',
  ttlSeconds: 600,
  now: () => now,
};
const serviceWith = (input: z.ZodObject): ServiceDefinition => ({
  id: 's',
  title: { zh: '测', en: 'test' },
  input,
  output: z.object({}),
});
const call = {
  applicationId: '6f1c2a3e-1111-4222-8333-944455556666',
  stepId: 'registration',
  department: 'market-regulation',
};

describe('materials handed to a department', () => {
  it('go as a link signed for this application, step and department when the service declares them', async () => {
    const input = await withMaterialLinks(
      deps,
      serviceWith(z.object({ proof: materialLink, name: z.string() })),
      {
        ...call,
        input: { proof: id, name: 'x' },
      },
    );
    const link = materialLink.parse(input['proof']);
    expect(link).toMatchObject({
      materialId: id,
      contentType: 'image/png',
      size: 10,
      expiresAt: new Date(now + 600_000).toISOString(),
    });
    expect(input['name']).toBe('x');
    const url = new URL(link.url);
    const verified = verifyMaterialLink(
      keyring,
      id,
      Object.fromEntries(url.searchParams) as unknown as LinkQuery,
      now,
    );
    expect(verified).toEqual({ claims: { materialId: id, ...call, expires: now / 1000 + 600 } });
  });

  it('stay what they were in a field the service does not declare as a material', async () => {
    const input = await withMaterialLinks(deps, serviceWith(z.object({ note: z.string() })), {
      ...call,
      input: { note: id },
    });
    expect(input).toEqual({ note: id });
  });

  it('are not made into links without the materials store', async () => {
    const input = await withMaterialLinks(undefined, serviceWith(z.object({ proof: materialLink })), {
      ...call,
      input: { proof: id },
    });
    expect(input).toEqual({ proof: id });
  });

  it('fail the attempt (retried, then held) when the material is gone', async () => {
    await expect(
      withMaterialLinks(deps, serviceWith(z.object({ proof: materialLink })), {
        ...call,
        input: { proof: `mat_${'c'.repeat(32)}` },
      }),
    ).rejects.toThrow(/not in the store/);
  });
});
