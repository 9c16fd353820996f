import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetentionActivities } from '../../activities/retention.js';
import { businessStartup } from '../../bundles/business-startup.js';
import { signedMaterialUrl } from '../../materials/links.js';
import { findService } from '../../departments/catalog/index.js';
import { citizenIdCheckDigit } from '../../schemas/fields.js';
import type { CertificateReference, MaterialLink, MaterialView } from '../../schemas/materials.js';
import { certificateReference } from '../../schemas/materials.js';
import { eventually } from '../support/eventually.js';
import { sampleMaterials } from '../support/material-files.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestRole, TestStack } from '../support/stack.js';

const maxBytes = 64 * 1024;
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    materialLimits: { maxBytes, types: ['application/pdf', 'image/jpeg', 'image/png'] },
  });
});
afterAll(async () => {
  await stack?.close();
});

/** `POST /v1/materials` with the bytes as the body, as a portal would send a file. */
async function upload(bytes: Buffer, contentType?: string, as: TestRole = 'portal') {
  const response = await fetch(`${stack.apiUrl}/v1/materials`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${stack.keys[as]}`,
      ...(contentType ? { 'content-type': contentType } : {}),
    },
    body: bytes,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: (await response.json()) as MaterialView & { code?: string },
  };
}

interface AccessLog {
  entries: Array<{
    actorType: string;
    actor: string;
    action: string;
    fields: string[];
    stepId: string | null;
  }>;
}

describe('uploading a material', () => {
  it('stores a file of an accepted type, its type sniffed from the bytes', async () => {
    const bytes = sampleMaterials.jpeg();
    const answer = await upload(bytes, 'application/octet-stream');
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ contentType: 'image/jpeg', size: bytes.length });
    expect(answer.body.id).toMatch(/^mat_[0-9a-f]{32}$/);
    // PostgreSQL holds the metadata and the data key, wrapped by the keyring; never the bytes.
    const { rows } = await stack.pool.query<{ kek_id: string; wrapped_key: Buffer }>(
      'SELECT * FROM materials WHERE id = $1',
      [answer.body.id],
    );
    expect(Object.keys(rows[0] as object).sort()).toEqual(
      [
        'bytes_deleted_at',
        'content_type',
        'created_at',
        'erased_at',
        'id',
        'kek_id',
        'portal',
        'sha256',
        'size',
        'storage_key',
        'wrapped_key',
      ].sort(),
    );
    expect(rows[0]?.kek_id).toBe(stack.keyring.currentKeyId);
    expect(rows[0]?.wrapped_key.length).toBeGreaterThan(32);
  });

  it('keeps the bytes encrypted on disk: what is stored is not the upload', async () => {
    const bytes = sampleMaterials.pdf();
    const answer = await upload(bytes, 'application/pdf');
    expect(answer.status).toBe(201);
    const files = await readdir(join(stack.materialDir, 'materials'));
    expect(files).toContain(answer.body.id);
    const atRest = await readFile(join(stack.materialDir, 'materials', answer.body.id));
    expect(atRest.equals(bytes)).toBe(false);
    expect(atRest.includes(bytes.subarray(0, 16))).toBe(false);
    expect(atRest.includes(bytes.subarray(500, 532))).toBe(false);
  });

  it('refuses a file too large, of no accepted type, or declared as another type, with stable codes', async () => {
    const tooLarge = await upload(
      Buffer.concat([sampleMaterials.pdf(), Buffer.alloc(maxBytes)]),
      'application/pdf',
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.contentType).toContain('application/problem+json');
    expect(tooLarge.body.code).toBe('MATERIAL_TOO_LARGE');

    const gif = await upload(sampleMaterials.gif(), 'image/gif');
    expect([gif.status, gif.body.code]).toEqual([415, 'MATERIAL_TYPE_UNSUPPORTED']);

    const empty = await upload(Buffer.alloc(0), 'image/png');
    expect([empty.status, empty.body.code]).toEqual([415, 'MATERIAL_TYPE_UNSUPPORTED']);

    // The header is never trusted: a PNG sent as a JPEG, and HTML sent as a PDF.
    const mismatch = await upload(sampleMaterials.png(), 'image/jpeg');
    expect([mismatch.status, mismatch.body.code]).toEqual([415, 'MATERIAL_TYPE_MISMATCH']);
    const html = await upload(Buffer.from('<html><script>alert(1)</script></html>'), 'application/pdf');
    expect([html.status, html.body.code]).toEqual([415, 'MATERIAL_TYPE_UNSUPPORTED']);

    const json = await upload(Buffer.from('{"a":1}'), 'application/json');
    expect([json.status, json.body.code]).toEqual([415, 'MATERIAL_TYPE_UNSUPPORTED']);
    const { rows } = await stack.pool.query<{ n: string }>('SELECT count(*) AS n FROM materials');
    expect(Number(rows[0]?.n)).toBe(2);
  });

  it('is for portals only', async () => {
    const answer = await upload(sampleMaterials.png(), 'image/png', 'operator');
    expect(answer.status).toBe(403);
  });
});

describe('a material named in a form and handed to a department', () => {
  let scan: Buffer;
  let material: MaterialView;
  let applicationId: string;
  let link: MaterialLink;

  beforeAll(async () => {
    scan = sampleMaterials.pdf();
    material = (await upload(scan, 'application/pdf')).body;
    const request = structuredClone(businessStartup.example) as { form: Record<string, unknown> };
    request.form['addressProof'] = material.id;
    const submitted = await stack.submit(request);
    expect(submitted.status).toBe(201);
    applicationId = submitted.body.id;
    const entry = await eventually('the registration call', async () =>
      (await stack.simulator.ledger({ keyPrefix: `${applicationId}:registration` })).find(
        (e) => e.outcome === 'done',
      ),
    );
    link = (entry.input as { addressProof: MaterialLink }).addressProof;
  });

  it('reaches the department that declares it as a signed link, never as the id', () => {
    expect(link).toMatchObject({
      materialId: material.id,
      contentType: 'application/pdf',
      size: scan.length,
      sha256: material.sha256,
    });
    expect(link.url.startsWith(`${stack.apiUrl}/v1/materials/${material.id}/content?`)).toBe(true);
    expect(new Date(link.expiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('is fetched by the link while it is valid, and every read is in the access log', async () => {
    for (let read = 0; read < 2; read += 1) {
      const response = await fetch(link.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await response.arrayBuffer()).equals(scan)).toBe(true);
    }
    const log = await stack.request<AccessLog>('GET', `/v1/applications/${applicationId}/access-log`);
    const reads = log.body.entries.filter((e) => e.action === 'read' && e.actorType === 'department');
    expect(reads).toEqual([
      expect.objectContaining({
        actor: 'market-regulation',
        fields: [`material:${material.id}`],
        stepId: 'registration',
      }),
      expect.objectContaining({
        actor: 'market-regulation',
        fields: [`material:${material.id}`],
        stepId: 'registration',
      }),
    ]);
  });

  it('is refused once altered or expired, and nothing is logged for a refused read', async () => {
    // Reads of the material only: the application's later steps log what their departments receive meanwhile.
    const materialReads = async () =>
      (
        await stack.request<AccessLog>('GET', `/v1/applications/${applicationId}/access-log`)
      ).body.entries.filter((e) => e.fields.includes(`material:${material.id}`)).length;
    const before = await materialReads();
    const url = new URL(link.url);
    const tampered = [
      () => url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 86_400)),
      () => url.searchParams.set('department', 'police'),
      () => (url.pathname = url.pathname.replace(material.id, `mat_${'0'.repeat(32)}`)),
    ];
    for (const alter of tampered) {
      const original = url.toString();
      alter();
      const response = await fetch(url);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { code: string }).code).toBe('MATERIAL_LINK_INVALID');
      url.href = original;
    }
    const expired = signedMaterialUrl(stack.apiUrl, stack.keyring, {
      materialId: material.id,
      applicationId,
      department: 'market-regulation',
      stepId: 'registration',
      expires: Math.floor(Date.now() / 1000) - 1,
    });
    const late = await fetch(expired);
    expect(late.status).toBe(403);
    expect(((await late.json()) as { code: string }).code).toBe('MATERIAL_LINK_EXPIRED');
    expect(before).toBeGreaterThan(0);
    expect(await materialReads()).toBe(before);
  });

  it('cannot be named by another portal, in a form or in a supplement', async () => {
    const request = structuredClone(businessStartup.example) as { form: Record<string, unknown> };
    request.form['addressProof'] = material.id;
    const foreign = await stack.submit(request, randomUUID(), 'otherPortal');
    expect(foreign.status).toBe(422);
    expect(foreign.body).toMatchObject({
      code: 'MATERIAL_NOT_FOUND',
      errors: [{ path: 'form.addressProof', message: expect.stringContaining(material.id) }],
    });
    request.form['addressProof'] = `mat_${'f'.repeat(32)}`;
    const unknown = await stack.submit(request);
    expect([unknown.status, (unknown.body as unknown as { code: string }).code]).toEqual([
      422,
      'MATERIAL_NOT_FOUND',
    ]);

    const theirs = await stack.submit(newbornRequest(), randomUUID(), 'otherPortal');
    expect(theirs.status).toBe(201);
    const supplement = await stack.request(
      'POST',
      `/v1/applications/${theirs.body.id}/supplements`,
      { answers: { marriageCertificate: material.id } },
      {},
      'otherPortal',
    );
    expect(supplement.status).toBe(422);
    expect(supplement.body).toMatchObject({
      code: 'MATERIAL_NOT_FOUND',
      errors: [{ path: 'answers.marriageCertificate' }],
    });
  });
});

describe('an electronic certificate among the outputs', () => {
  /** Verifies a reference at its issuer, as the next department or the portal would, and a forged number there. */
  async function verifiesAtIssuer(certificate: CertificateReference) {
    const verified = await fetch(certificate.verificationUrl);
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ valid: true, certificate });
    const forged = await fetch(
      certificate.verificationUrl.replace(encodeURIComponent(certificate.number), 'FORGED-0000'),
    );
    expect(forged.status).toBe(404);
    expect(await forged.json()).toMatchObject({ valid: false, code: 'UNKNOWN_CERTIFICATE' });
  }

  it('is returned as a reference to the issuer, with the number as before, and verifies there', async () => {
    const submitted = await stack.submit(newbornRequest());
    const view = await stack.waitForApplication(submitted.body.id, ended);
    const outputs = view.steps.find((s) => s.id === 'birthCertificate')?.outputs ?? {};
    const certificate = certificateReference.parse(outputs['certificate']);
    expect(certificate).toMatchObject({
      type: 'birth-medical-certificate',
      issuer: 'health',
      number: outputs['certificateNumber'],
    });
    await verifiesAtIssuer(certificate);

    // The next department receives the reference, to verify it instead of copying the number.
    const police = await stack.simulator.ledger({ keyPrefix: `${view.id}:householdRegistration` });
    expect(police[0]?.input).toMatchObject({
      birthCertificate: certificate,
      certificateNumber: certificate.number,
    });
  });

  it('includes the household register page (户口登记页) the police issue, which medical insurance receives', async () => {
    const submitted = await stack.submit(newbornRequest());
    // What the portal reads: the application view.
    const view = await stack.waitForApplication(submitted.body.id, ended);
    const outputs = view.steps.find((s) => s.id === 'householdRegistration')?.outputs ?? {};
    const page = certificateReference.parse(outputs['householdPageCertificate']);
    expect(page).toMatchObject({
      type: 'household-register-page',
      issuer: 'police',
      number: outputs['householdPage'],
    });
    await verifiesAtIssuer(page);
    const enrolment = await stack.simulator.ledger({ keyPrefix: `${view.id}:medicalInsurance` });
    expect(enrolment[0]?.input).toMatchObject({ householdPageCertificate: page });
  });

  it('includes the business licence (营业执照) market regulation issues, which the seal filing receives', async () => {
    const submitted = await stack.submit(businessStartup.example);
    expect(submitted.status).toBe(201);
    const view = await stack.waitForApplication(submitted.body.id, ended);
    const outputs = view.steps.find((s) => s.id === 'registration')?.outputs ?? {};
    const licence = certificateReference.parse(outputs['businessLicence']);
    expect(licence).toMatchObject({
      type: 'business-licence',
      issuer: 'market-regulation',
      number: outputs['businessLicenceNumber'],
    });
    await verifiesAtIssuer(licence);
    const seal = await stack.simulator.ledger({ keyPrefix: `${view.id}:seal` });
    expect(seal[0]?.input).toMatchObject({ businessLicence: licence });
  });

  it('is refused from a department that answers another kind of certificate than its service declares', () => {
    const licenceAsPage = {
      type: 'business-licence',
      issuer: 'police',
      number: 'HB-00000000',
      verificationUrl: 'https://police.example.gov.cn/certificates/HB-00000000',
    };
    const registration = findService('police', 'birth-registration');
    const first17 = '33010620261120001';
    const answer = {
      citizenIdNumber: `${first17}${citizenIdCheckDigit(first17)}`,
      householdPage: 'HB-00000000',
      householdPageCertificate: licenceAsPage,
    };
    expect(registration?.output.safeParse(answer).error?.issues).toEqual([
      expect.objectContaining({ path: ['householdPageCertificate', 'type'] }),
    ]);
    const page = { ...licenceAsPage, type: 'household-register-page' };
    expect(registration?.output.safeParse({ ...answer, householdPageCertificate: page }).success).toBe(true);
  });
});

describe('a material at the end of its application’s retention', () => {
  it('is erased with it: its data key leaves its row, its sealed bytes the store, and its link is refused', async () => {
    const scan = sampleMaterials.pdf();
    const material = (await upload(scan, 'application/pdf')).body;
    // Named by two applications: kept while the second one is.
    const named = async () => {
      const request = structuredClone(businessStartup.example) as { form: Record<string, unknown> };
      request.form['addressProof'] = material.id;
      const submitted = await stack.submit(request);
      expect(submitted.status).toBe(201);
      return submitted.body.id;
    };
    const [first, second] = [await named(), await named()];
    const entry = await eventually('the registration call', async () =>
      (await stack.simulator.ledger({ keyPrefix: `${first}:registration` })).find(
        (e) => e.outcome === 'done',
      ),
    );
    const link = (entry.input as { addressProof: MaterialLink }).addressProof;
    await stack.waitForApplication(first, ended);
    await stack.waitForApplication(second, ended);
    const stored = join(stack.materialDir, 'materials', material.id);
    await expect(readFile(stored)).resolves.toBeInstanceOf(Buffer);

    const retention = (bundles: Record<string, number>) =>
      createRetentionActivities({
        pool: stack.pool,
        policy: { bundles, accessLogDays: 3650, auditLogDays: 3650 },
        materials: stack.materials,
      }).runRetention({ now: new Date(Date.now() + 1000).toISOString() });

    // Only the first is due: the second ended, as far as retention is told, a day from now.
    await stack.pool.query("UPDATE applications SET updated_at = now() + interval '1 day' WHERE id = $1", [
      second,
    ]);
    await retention({ 'business-startup': 0 });
    expect((await fetch(link.url)).status).toBe(200);
    await expect(readFile(stored)).resolves.toBeInstanceOf(Buffer);

    await stack.pool.query("UPDATE applications SET updated_at = now() - interval '1 day' WHERE id = $1", [
      second,
    ]);
    await retention({ 'business-startup': 0 });
    await expect(readFile(stored)).rejects.toMatchObject({ code: 'ENOENT' });
    const refused = await fetch(link.url);
    expect(refused.status).toBe(404);
    const { rows } = await stack.pool.query<{ erased: boolean; deleted: boolean; key: boolean }>(
      `SELECT erased_at IS NOT NULL AS erased, bytes_deleted_at IS NOT NULL AS deleted,
              wrapped_key IS NOT NULL OR kek_id IS NOT NULL AS key
       FROM materials WHERE id = $1`,
      [material.id],
    );
    expect(rows[0]).toEqual({ erased: true, deleted: true, key: false });
  }, 120_000);
});

describe('a material no application ever names', () => {
  /** The scheduled job with the default policy for materials, run with a clock. */
  const retentionAt = (at: Date) =>
    createRetentionActivities({
      pool: stack.pool,
      // No application is due: only materials are.
      policy: { bundles: {}, accessLogDays: 3650, auditLogDays: 3650 },
      materials: stack.materials,
    }).runRetention({ now: at.toISOString() });
  const dayMs = 86_400_000;

  it('is erased, audited, once MATERIAL_UNREFERENCED_RETENTION (7 days) has passed since its upload; a named one stays', async () => {
    const unused = (await upload(sampleMaterials.png(), 'image/png')).body;
    const kept = (await upload(sampleMaterials.pdf(), 'application/pdf')).body;
    const request = structuredClone(businessStartup.example) as { form: Record<string, unknown> };
    request.form['addressProof'] = kept.id;
    const submitted = await stack.submit(request);
    expect(submitted.status).toBe(201);
    const uploadedAt = new Date(unused.createdAt).getTime();
    const stored = (id: string) => readFile(join(stack.materialDir, 'materials', id));
    const rowOf = async (id: string) =>
      (
        await stack.pool.query<{ erased: boolean; deleted: boolean; key: boolean }>(
          `SELECT erased_at IS NOT NULL AS erased, bytes_deleted_at IS NOT NULL AS deleted,
                  wrapped_key IS NOT NULL AS key
           FROM materials WHERE id = $1`,
          [id],
        )
      ).rows[0];

    // A minute short of a week: kept.
    await retentionAt(new Date(uploadedAt + 7 * dayMs - 60_000));
    expect(await rowOf(unused.id)).toEqual({ erased: false, deleted: false, key: true });
    await expect(stored(unused.id)).resolves.toBeInstanceOf(Buffer);

    // A minute past: erased, its key cleared, its bytes deleted; the named one untouched.
    const run = await retentionAt(new Date(uploadedAt + 7 * dayMs + 60_000));
    expect(run.materialsErased).toBeGreaterThanOrEqual(1);
    expect(await rowOf(unused.id)).toEqual({ erased: true, deleted: true, key: false });
    await expect(stored(unused.id)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await rowOf(kept.id)).toEqual({ erased: false, deleted: false, key: true });
    await expect(stored(kept.id)).resolves.toBeInstanceOf(Buffer);

    const erasures = async () => {
      const audit = await stack.request<{
        entries: Array<{ action: string; target: string | null; detail: unknown }>;
      }>('GET', '/v1/ops/audit?action=material.erase', undefined, {}, 'operator');
      expect(audit.status).toBe(200);
      return audit.body.entries;
    };
    expect((await erasures()).filter((e) => e.target === unused.id)).toEqual([
      expect.objectContaining({
        action: 'material.erase',
        target: unused.id,
        actor: expect.objectContaining({ keyId: 'system:retention' }),
        detail: expect.objectContaining({ portal: expect.any(String), size: unused.size }),
      }),
    ]);
    expect((await erasures()).some((e) => e.target === kept.id)).toBe(false);

    // An erased material cannot be named any more.
    request.form['addressProof'] = unused.id;
    const late = await stack.submit(request);
    expect([late.status, (late.body as unknown as { code: string }).code]).toEqual([
      422,
      'MATERIAL_NOT_FOUND',
    ]);
    // A second run finds nothing more of it to do.
    await retentionAt(new Date(uploadedAt + 7 * dayMs + 120_000));
    expect((await erasures()).filter((e) => e.target === unused.id)).toHaveLength(1);
  }, 120_000);

  it('is kept when an application names it while the job runs', async () => {
    const material = (await upload(sampleMaterials.jpeg(), 'image/jpeg')).body;
    const submitted = await stack.submit(newbornRequest());
    expect(submitted.status).toBe(201);
    const late = new Date(new Date(material.createdAt).getTime() + 30 * dayMs);
    // A submission naming it, not yet committed: its link holds the material's row.
    const naming = await stack.pool.connect();
    try {
      await naming.query('BEGIN');
      await naming.query('INSERT INTO application_materials (application_id, material_id) VALUES ($1, $2)', [
        submitted.body.id,
        material.id,
      ]);
      // The job skips the row it cannot lock, rather than erase it or wait.
      await retentionAt(late);
      await naming.query('COMMIT');
    } finally {
      naming.release();
    }
    await retentionAt(late);
    const { rows } = await stack.pool.query<{ erased: boolean }>(
      'SELECT erased_at IS NOT NULL AS erased FROM materials WHERE id = $1',
      [material.id],
    );
    expect(rows[0]).toEqual({ erased: false });
    await expect(readFile(join(stack.materialDir, 'materials', material.id))).resolves.toBeInstanceOf(Buffer);
  }, 120_000);
});
