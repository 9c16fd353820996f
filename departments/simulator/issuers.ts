import { createHash } from 'node:crypto';
import { creditCodeCheckCharacter } from '../catalog/market-regulation.js';
import { citizenIdCheckDigit } from '../../schemas/fields.js';
import type { z } from 'zod';
import type { ServiceDefinition } from '../definition.js';
import { fieldKind } from '../../schemas/materials.js';
import type { CertificateReference, CertificateType } from '../../schemas/materials.js';
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
  context?: IssueContext,
) => Record<string, unknown>;

/** Where the simulator was reached: electronic certificates name their verification URL under it. */
export interface IssueContext {
  baseUrl: string;
}

/** Where certificates issued outside a request (benchmarks, unit tests) say they are verified. */
const unreachedBaseUrl = 'http://simulator.invalid';

/** The URL that verifies a certificate this simulator issued (`GET …/certificates/:number`). */
export function verificationUrlOf(baseUrl: string, department: string, number: string): string {
  return `${baseUrl}/departments/${department}/certificates/${encodeURIComponent(number)}`;
}

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
    // Electronic certificates are references, not numbers: only a special issuer makes them.
    Object.entries(definition.output.shape as Record<string, z.ZodType>)
      .filter(([, schema]) => fieldKind(schema) === undefined)
      .map(([field]) => [field, `${prefixOf(field)}-${derive(seed, field).slice(0, 10).toUpperCase()}`]),
  );

/** Region code of the simulated police station (Xihu district, Hangzhou). */
const policeRegion = '330106';

/** An electronic certificate (电子证照) this simulator issued, verified at `verificationUrl`. */
function certificateIssued(
  type: CertificateType,
  issuer: string,
  number: string,
  context: IssueContext | undefined,
): CertificateReference {
  const verificationUrl = verificationUrlOf(context?.baseUrl ?? unreachedBaseUrl, issuer, number);
  return { type, issuer, number, verificationUrl };
}

/**
 * Registers the birth: a resident ID number whose date and sex digits agree with the input, and
 * the household register page (户口登记页), as its number and as an electronic certificate.
 */
const birthRegistrationIssuer: Issuer = (input, seed, _definition, context) => {
  const birthDate = String(input['birthDate']).replaceAll('-', '');
  // GB 11643: the sequence's last digit is odd for a male, even for a female.
  const pair = parseInt(derive(seed, 'sequence').slice(0, 8), 16) % 500;
  const sequence = String(pair * 2 + (input['babySex'] === 'male' ? 1 : 0)).padStart(3, '0');
  const first17 = `${policeRegion}${birthDate}${sequence}`;
  const householdPage = `HB-${derive(seed, 'householdPage').slice(0, 8).toUpperCase()}`;
  return {
    citizenIdNumber: `${first17}${citizenIdCheckDigit(first17)}`,
    householdPage,
    householdPageCertificate: certificateIssued('household-register-page', 'police', householdPage, context),
  };
};

/**
 * Issues the birth medical certificate: `Y` and eleven digits, as printed on the form, and the
 * electronic certificate (电子证照) as a reference the next department and the portal verify.
 */
const birthCertificateIssuer: Issuer = (_input, seed, _definition, context) => {
  const digits = BigInt(`0x${derive(seed, 'certificateNumber').slice(0, 16)}`) % 10n ** 11n;
  const certificateNumber = `Y${digits.toString().padStart(11, '0')}`;
  return {
    certificateNumber,
    certificate: certificateIssued('birth-medical-certificate', 'health', certificateNumber, context),
  };
};

/** A whole number in [0, modulo) from the call's seed, e.g. an amount in fen. */
function numberFrom(seed: string, label: string, modulo: number): number {
  return parseInt(derive(seed, label).slice(0, 12), 16) % modulo;
}

/**
 * Registers a company: a unified social credit code (GB 32100) whose check characters hold, and
 * the business licence (营业执照), as its number and as an electronic certificate.
 */
const formationRegistrationIssuer: Issuer = (input, seed, definition, context) => {
  // Organisation code (GB 11714): eight digits and their check character.
  const body = String(numberFrom(seed, 'organisationCode', 10 ** 8)).padStart(8, '0');
  const sum = [...body].reduce(
    (total, digit, i) => total + Number(digit) * ([3, 7, 9, 10, 5, 8, 4, 2][i] ?? 0),
    0,
  );
  const check = (11 - (sum % 11)) % 11;
  // 9: registered by market regulation; 1: a company. The region is the simulated registrar's.
  const first17 = `91${policeRegion}${body}${check === 10 ? 'X' : String(check)}`;
  const numbers = genericIssuer(input, seed, definition);
  return {
    ...numbers,
    unifiedSocialCreditCode: `${first17}${creditCodeCheckCharacter(first17)}`,
    businessLicence: certificateIssued(
      'business-licence',
      'market-regulation',
      String(numbers['businessLicenceNumber']),
      context,
    ),
  };
};

/** Reviews retirement eligibility: retirement on the first day of the month after the 60th birthday. */
const retirementEligibilityIssuer: Issuer = (input, seed, definition) => {
  const id = String(input['citizenIdNumber']);
  const year = Number(id.slice(6, 10)) + 60;
  const month = Number(id.slice(10, 12));
  const [y, m] = month === 12 ? [year + 1, 1] : [year, month + 1];
  return {
    ...genericIssuer(input, seed, definition),
    retirementDate: `${y}-${String(m).padStart(2, '0')}-01`,
  };
};

/** Services whose outputs include amounts: identifiers as usual, amounts from the seed. */
const withAmounts =
  (amounts: (seed: string) => Record<string, number>): Issuer =>
  (input, seed, definition) => ({ ...genericIssuer(input, seed, definition), ...amounts(seed) });

/** Opens a bank account: 19 digits, as a bank card or account number. */
const accountOpeningIssuer: Issuer = (_input, seed) => ({
  accountNumber: `6222${String(numberFrom(seed, 'accountNumber', 10 ** 12)).padStart(12, '0')}001`,
});

/**
 * A video verification the office's own system runs: numbers only. The officer's record
 * (`verification`) is what Onething's work list adds; a system of its own has none to give.
 */
const videoVerificationIssuer: Issuer = (input, seed, definition) => {
  const { verification: _record, ...numbers } = genericIssuer(input, seed, definition);
  return numbers;
};

const specialIssuers: Readonly<Record<string, Issuer>> = {
  'police/birth-registration': birthRegistrationIssuer,
  'health/birth-certificate': birthCertificateIssuer,
  'market-regulation/formation-registration': formationRegistrationIssuer,
  'hr-social-security/retirement-eligibility': retirementEligibilityIssuer,
  // Half of the deceased were paid for a month they did not live: up to 5,000 yuan to recover.
  'hr-social-security/pension-stop': withAmounts((seed) => ({
    overpaymentFen: numberFrom(seed, 'overpaid', 2) === 0 ? 0 : numberFrom(seed, 'overpaymentFen', 500_000),
  })),
  'hr-social-security/pension': withAmounts((seed) => ({
    monthlyPensionFen: 150_000 + numberFrom(seed, 'monthlyPensionFen', 600_000),
  })),
  'medical-insurance/retiree-status': withAmounts((seed) => ({
    topUpFen: numberFrom(seed, 'short', 4) === 0 ? numberFrom(seed, 'topUpFen', 5_000_000) : 0,
  })),
  // A new taxpayer's first monthly quota of digital invoices (数电发票).
  'tax/invoice-registration': withAmounts(() => ({ invoiceQuotaYuan: 100_000 })),
  'bank/account-opening': accountOpeningIssuer,
  'vehicle-office/video-verification': videoVerificationIssuer,
  'police/video-verification': videoVerificationIssuer,
  // Fees: 10 yuan for a vehicle certificate or licence, 40 for a reissued ID card (the national price rules; provinces may differ).
  'public-payment/vehicle-certificate-fee': withAmounts(() => ({ amountFen: 1_000 })),
  'public-payment/vehicle-licence-fee': withAmounts(() => ({ amountFen: 1_000 })),
  'public-payment/id-card-fee': withAmounts(() => ({ amountFen: 4_000 })),
};

/** The outputs a department issues for a call; the caller validates them against the service. */
export function issueOutputs(
  ref: CallRef,
  definition: ServiceDefinition,
  input: Record<string, unknown>,
  context?: IssueContext,
): Record<string, unknown> {
  const issuer = specialIssuers[`${ref.department}/${ref.service}`] ?? genericIssuer;
  return issuer(input, callSeed(ref), definition, context);
}
