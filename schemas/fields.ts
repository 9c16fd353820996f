import { z } from 'zod';

/** Chinese and English: every label a portal shows. */
export interface Bilingual {
  zh: string;
  en: string;
}

// A type, not an interface: `.meta()` takes an object with an index signature.
/** What a form field shows a portal, as JSON Schema keywords: pass it to `.meta()`. */
export type FieldLabel = {
  title: string;
  'x-title': Bilingual;
  description?: string;
  'x-description'?: Bilingual;
};

/**
 * A form field's label, for `.meta()`: `title` in Chinese, the portals' language, with both
 * languages in `x-title`; and, where the meaning is not obvious, a description, in English in
 * `description` (the API document's language) and in both in `x-description`. Metadata only:
 * what the API accepts does not change.
 */
export function label(title: Bilingual, description?: Bilingual): FieldLabel {
  return {
    title: title.zh,
    'x-title': title,
    ...(description ? { description: description.en, 'x-description': description } : {}),
  };
}

/** An enum's labels, for `.meta()`: `x-enum-labels`, value → { zh, en }, for a portal's options. */
export function options<V extends string>(
  labels: Record<V, Bilingual>,
): { 'x-enum-labels': Record<V, Bilingual> } {
  return { 'x-enum-labels': labels };
}

const citizenIdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const citizenIdCheckDigits = '10X98765432';

/** The check digit of an 18-digit resident ID number (GB 11643-1999). */
export function citizenIdCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (citizenIdWeights[i] ?? 0);
  return citizenIdCheckDigits[sum % 11] ?? '';
}

/** True for a well-formed resident ID number with a correct check digit. */
export function isCitizenIdNumber(value: string): boolean {
  return /^\d{17}[\dX]$/.test(value) && citizenIdCheckDigit(value.slice(0, 17)) === value[17];
}

/**
 * The shape of a resident ID number as a portal can check it before it submits (the check digit
 * it cannot say), allowing what the API trims and upper-cases. Served in the forms of
 * `GET /v1/bundles/:id` on fields marked `x-format: cn-resident-id` (`withPortalPatterns`), not in
 * the API document's request bodies: oasdiff counts an added pattern as a break, although the API
 * already refuses every value the pattern excludes.
 */
export const citizenIdPattern = '^\\s*\\d{17}[\\dXx]\\s*$';

/** The patterns of marked fields (`x-format`), for `z.toJSONSchema`'s `override` when rendering a form. */
export function withPortalPatterns({ jsonSchema }: { jsonSchema: Record<string, unknown> }): void {
  if (jsonSchema['x-format'] === 'cn-resident-id') jsonSchema['pattern'] = citizenIdPattern;
}

/** Resident ID number (居民身份证号码), 18 characters with check digit. */
export const citizenIdNumber = z
  .string()
  .trim()
  // People often type the check character as a lowercase x.
  .toUpperCase()
  .refine(isCitizenIdNumber, { message: 'not a valid 18-character resident ID number' })
  .meta({ 'x-format': 'cn-resident-id' });

/** Mainland mobile number. */
export const phoneNumber = z.string().regex(/^1\d{10}$/, { message: 'an 11-digit mobile number' });

/** Bank card or account number. */
export const bankAccount = z.string().regex(/^\d{12,19}$/, { message: '12 to 19 digits' });

/** A calendar date, `YYYY-MM-DD`. */
export const isoDate = z.iso.date();

/**
 * A person's name as written on an ID card. (Here and in other trimmed texts, the pattern `\S`
 * tells the OpenAPI document what trim-then-min(1) means: not only whitespace.)
 */
export const personName = z.string().trim().min(1).regex(/\S/, 'must not be blank').max(50);

export const sex = z
  .enum(['female', 'male'])
  .meta(options({ female: { zh: '女', en: 'Female' }, male: { zh: '男', en: 'Male' } }));

/** A person's name, ID number and mobile number, labelled: the fields of a form's section for a person. */
export const labelledPerson = {
  name: personName.meta(label({ zh: '姓名', en: 'Name' })),
  idNumber: citizenIdNumber.meta(label({ zh: '身份证号码', en: 'Resident ID number' })),
  phone: phoneNumber.meta(label({ zh: '手机号码', en: 'Mobile number' })),
};

/** An identifier issued by a department (certificate, record or card number). */
export const issuedNumber = z.string().min(1).max(64);
