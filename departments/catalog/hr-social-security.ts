import { z } from 'zod';
import { citizenIdNumber, issuedNumber, personName } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** Human resources and social security bureau (人社): issues the social security card. */
export const hrSocialSecurity = defineDepartment(
  'hr-social-security',
  { zh: '人力资源和社会保障局', en: 'Human Resources and Social Security Bureau' },
  [
    {
      id: 'social-security-card',
      title: { zh: '社会保障卡申领', en: 'Social security card' },
      input: z.object({
        citizenIdNumber,
        holderName: personName,
        guardianName: personName,
        guardianIdNumber: citizenIdNumber,
        mailingAddress: z.string().min(1).max(200),
      }),
      output: z.object({ cardNumber: issuedNumber }),
    },
  ],
);
