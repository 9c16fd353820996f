import { z } from 'zod';
import { citizenIdNumber, isoDate, issuedNumber, personName, sex } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';
import { certificateReference } from '../../schemas/materials.js';

/**
 * Police (公安): the police station registers a birth in a household (issuing the citizen ID
 * number) and deregisters the deceased; the security department files company seals.
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
      birthCertificate: certificateReference.optional(),
    }),
    output: z.object({ citizenIdNumber, householdPage: issuedNumber }),
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
    output: z.object({ deregistrationNumber: issuedNumber }),
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
    }),
    output: z.object({ sealRecordNumber: issuedNumber, electronicSealId: issuedNumber }),
  },
]);
