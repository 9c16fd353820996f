import { z } from 'zod';
import {
  citizenIdNumber,
  isoDate,
  issuedNumber,
  personName,
  phoneNumber,
  sex,
  label,
} from '../../schemas/fields.js';
import { verificationRecordSchema } from '../../schemas/work-list.js';
import { defineDepartment } from '../definition.js';
import { videoVerificationOutput, waybillNumber } from './cloud-window.js';
import { certificateOf } from '../../schemas/materials.js';

const address = z.string().min(1).max(200);

/**
 * Police (公安): the police station registers a birth in a household (issuing the citizen ID
 * number), certifies an abnormal death and deregisters the deceased, and reissues a lost ID card
 * through the cloud window; the security department files company seals.
 */
export const police = defineDepartment('police', { zh: '公安局', en: 'Public Security Bureau' }, [
  {
    id: 'birth-registration',
    title: { zh: '出生登记', en: 'Birth registration' },
    input: z.object({
      certificateNumber: issuedNumber,
      babyName: personName,
      babySex: sex,
      birthDate: isoDate,
      ethnicity: z.string().min(1).max(20),
      householdParentIdNumber: citizenIdNumber,
      marriageCertificateNumber: issuedNumber,
      /** The electronic birth certificate, verified at its issuer (older applications send only the number). */
      birthCertificate: certificateOf('birth-medical-certificate').optional(),
    }),
    // The page number as before, and the electronic household register page (户口登记页) the next
    // departments and the portal verify at the police instead of copying the number.
    output: z.object({
      citizenIdNumber: citizenIdNumber.meta(label({ zh: '公民身份号码', en: 'Citizen ID number' })),
      householdPage: issuedNumber.meta(label({ zh: '户口登记页编号', en: 'Household register page number' })),
      householdPageCertificate: certificateOf('household-register-page')
        .meta(label({ zh: '电子户口登记页', en: 'Electronic household register page' }))
        .optional(),
    }),
  },
  {
    id: 'household-deregistration',
    title: { zh: '死亡户口注销', en: 'Household deregistration on death' },
    input: z.object({
      deathCertificateNumber: issuedNumber,
      deceasedName: personName,
      deceasedIdNumber: citizenIdNumber,
      deathDate: isoDate,
    }),
    // The deregistration is broadcast as the death event other departments act on.
    output: z.object({
      deregistrationNumber: issuedNumber.meta(label({ zh: '户口注销编号', en: 'Deregistration number' })),
    }),
  },
  {
    id: 'death-certificate',
    title: { zh: '居民死亡证明（非正常死亡）', en: 'Death certificate for an abnormal death' },
    // An accident, a crime or an unknown cause: the police investigate and certify, not a hospital.
    input: z.object({
      deceasedName: personName,
      deceasedIdNumber: citizenIdNumber,
      deathDate: isoDate,
      deathPlace: address,
    }),
    output: z.object({
      certificateNumber: issuedNumber.meta(label({ zh: '居民死亡证明编号', en: 'Death certificate number' })),
    }),
  },
  {
    id: 'video-verification',
    title: { zh: '视频核验', en: 'Video verification' },
    // The household administration's cloud window: liveness check against the ID photo on file,
    // questions on contact details and address. The fee is paid before the officer connects.
    input: z.object({
      name: personName,
      idNumber: citizenIdNumber,
      phone: phoneNumber,
      address,
      paymentNumber: issuedNumber,
    }),
    verifies: ['identity', 'contact', 'address'],
    output: videoVerificationOutput,
  },
  {
    id: 'id-card-reissue',
    title: { zh: '居民身份证补领', en: 'Resident ID card reissue' },
    // The photo and fingerprints on file are reused when under two years old; otherwise the
    // applicant gives the receipt number of a new digital photo (数码相片回执号).
    input: z.object({
      name: personName,
      idNumber: citizenIdNumber,
      verificationNumber: issuedNumber,
      verification: verificationRecordSchema.optional(),
      paymentNumber: issuedNumber,
      photoReceiptNumber: issuedNumber.optional(),
      mailingAddress: address,
      recipientPhone: phoneNumber,
    }),
    // The card is mailed; the recipient collects it with the SMS pickup code.
    output: z.object({
      acceptanceNumber: issuedNumber.meta(label({ zh: '受理编号', en: 'Acceptance number' })),
      waybillNumber,
    }),
  },
  {
    id: 'seal-filing',
    title: { zh: '印章刻制备案', en: 'Company seal engraving and filing' },
    input: z.object({
      unifiedSocialCreditCode: issuedNumber,
      companyName: z.string().min(1).max(100),
      legalRepresentativeName: personName,
      sealTypes: z
        .array(z.enum(['official', 'financial', 'invoice', 'contract', 'legal-representative']))
        .min(1),
      /** The electronic business licence (营业执照), verified at market regulation (older applications send only the code). */
      businessLicence: certificateOf('business-licence').optional(),
    }),
    output: z.object({
      sealRecordNumber: issuedNumber.meta(label({ zh: '印章备案编号', en: 'Seal filing number' })),
      electronicSealId: issuedNumber.meta(label({ zh: '电子印章编号', en: 'Electronic seal ID' })),
    }),
  },
]);
