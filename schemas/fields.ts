import { z } from 'zod';

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

/** Resident ID number (居民身份证号码), 18 characters with check digit. */
export const citizenIdNumber = z
  .string()
  .trim()
  // People often type the check character as a lowercase x.
  .toUpperCase()
  .refine(isCitizenIdNumber, { message: 'not a valid 18-character resident ID number' });

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

export const sex = z.enum(['female', 'male']);

/** An identifier issued by a department (certificate, record or card number). */
export const issuedNumber = z.string().min(1).max(64);
