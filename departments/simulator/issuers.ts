import { createHash } from 'node:crypto';
import { citizenIdCheckDigit } from '../../schemas/fields.js';
import type { ServiceDefinition } from '../definition.js';
import type { CallRef } from './ledger.js';

/**
 * Produces a service's outputs from its validated input. Everything random comes from `seed`, the
 * hash of the call, so the same idempotency key always yields the same numbers, even after the
 * ledger dropped the record or the simulator restarted.
 */
export type Issuer = (
  input: Record<string, unknown>,
  seed: string,
  definition: ServiceDefinition,
) => Record<string, unknown>;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hex seed of a call: sha256 of `department/service/idempotencyKey`. */
export function callSeed(ref: CallRef): string {
  return sha256Hex(`${ref.department}/${ref.service}/${ref.idempotencyKey}`);
}

/** An independent hex stream per label, so two fields of one call never share digits. */
function derive(seed: string, label: string): string {
  return sha256Hex(`${seed}/${label}`);
}

/** The receipt a department hands back for a successful call, e.g. `RCPT-3FA94C01BE`. */
export function receiptNumber(ref: CallRef): string {
  return `RCPT-${callSeed(ref).slice(0, 10).toUpperCase()}`;
}

// Words that say "this is an identifier" and add nothing to a number's prefix.
const identifierWords = new Set(['NUMBER', 'NO', 'ID', 'CODE']);

/** `enrolmentNumber` → `ENROLMENT`, `vaccinationRecordId` → `VACCINATION-RECORD`. */
export function prefixOf(field: string): string {
  const words = field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toUpperCase());
  const last = words[words.length - 1];
  if (words.length > 1 && last !== undefined && identifierWords.has(last)) words.pop();
  // Bounded so prefix plus digits stays within `issuedNumber`'s 64 characters.
  return (words.join('-') || 'NO').slice(0, 40);
}

/** Any service the catalogue gains later: one `PREFIX-XXXXXXXXXX` number per output field. */
export const genericIssuer: Issuer = (_input, seed, definition) =>
  Object.fromEntries(
    Object.keys(definition.output.shape).map((field) => [
      field,
      `${prefixOf(field)}-${derive(seed, field).slice(0, 10).toUpperCase()}`,
    ]),
  );

/** Region code of the simulated police station (Xihu district, Hangzhou). */
const policeRegion = '330106';

/** Registers the birth: a resident ID number whose date and sex digits agree with the input. */
const birthRegistrationIssuer: Issuer = (input, seed) => {
  const birthDate = String(input['birthDate']).replaceAll('-', '');
  // GB 11643: the sequence's last digit is odd for a male, even for a female.
  const pair = parseInt(derive(seed, 'sequence').slice(0, 8), 16) % 500;
  const sequence = String(pair * 2 + (input['babySex'] === 'male' ? 1 : 0)).padStart(3, '0');
  const first17 = `${policeRegion}${birthDate}${sequence}`;
  return {
    citizenIdNumber: `${first17}${citizenIdCheckDigit(first17)}`,
    householdPage: `HB-${derive(seed, 'householdPage').slice(0, 8).toUpperCase()}`,
  };
};

/** Issues the birth medical certificate: `Y` and eleven digits, as printed on the form. */
const birthCertificateIssuer: Issuer = (_input, seed) => {
  const digits = BigInt(`0x${derive(seed, 'certificateNumber').slice(0, 16)}`) % 10n ** 11n;
  return { certificateNumber: `Y${digits.toString().padStart(11, '0')}` };
};

const specialIssuers: Readonly<Record<string, Issuer>> = {
  'police/birth-registration': birthRegistrationIssuer,
  'health/birth-certificate': birthCertificateIssuer,
};

/** The outputs a department issues for a call; the caller validates them against the service. */
export function issueOutputs(
  ref: CallRef,
  definition: ServiceDefinition,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const issuer = specialIssuers[`${ref.department}/${ref.service}`] ?? genericIssuer;
  return issuer(input, callSeed(ref), definition);
}
