import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { departments } from '../../departments/catalog/index.js';
import { sampleInput } from '../../departments/conformance/sample-input.js';
import { isCitizenIdNumber } from '../../schemas/fields.js';

describe('sampleInput', () => {
  const services = Object.values(departments).flatMap((d) =>
    Object.values(d.services).map((s) => [`${d.id}/${s.id}`, s] as const),
  );

  it.each(services)('builds an input %s strictly accepts', (_name, service) => {
    expect(service.input.strict().safeParse(sampleInput(service.input)).success).toBe(true);
  });

  it('gives every ID number a valid check digit, and different ones per field', () => {
    const input = sampleInput(departments['health']?.services['birth-certificate']?.input ?? z.object({}));
    expect(isCitizenIdNumber(String(input['motherIdNumber']))).toBe(true);
    expect(input['motherIdNumber']).not.toBe(input['fatherIdNumber']);
  });

  it('takes overrides, and names the field it cannot guess', () => {
    const schema = z.object({ creditCode: z.string().regex(/^[0-9A-Z]{18}$/), startDate: z.iso.date() });
    expect(() => sampleInput(schema)).toThrow(/creditCode: .*pass it in overrides/);
    expect(sampleInput(schema, { creditCode: '91330106MA2B1C2D3E' })).toEqual({
      creditCode: '91330106MA2B1C2D3E',
      startDate: '2026-01-15',
    });
  });
});
