import { z } from 'zod';
import { citizenIdNumber, isoDate, issuedNumber, personName, sex } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** Police station (公安派出所): registers the birth in a household and issues the citizen ID number. */
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
    }),
    output: z.object({ citizenIdNumber, householdPage: issuedNumber }),
  },
]);
