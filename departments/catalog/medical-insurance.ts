import { z } from 'zod';
import { bankAccount, citizenIdNumber, issuedNumber, personName } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** Medical insurance bureau (医保): resident enrolment and maternity benefits. */
export const medicalInsurance = defineDepartment(
  'medical-insurance',
  { zh: '医疗保障局', en: 'Medical Insurance Bureau' },
  [
    {
      id: 'resident-enrolment',
      title: { zh: '城乡居民医保参保登记', en: 'Resident medical insurance enrolment' },
      input: z.object({
        citizenIdNumber,
        insuredName: personName,
        address: z.string().min(1).max(200),
      }),
      output: z.object({ enrolmentNumber: issuedNumber }),
    },
    {
      id: 'maternity-benefit',
      title: { zh: '生育津贴', en: 'Maternity allowance' },
      input: z.object({
        certificateNumber: issuedNumber,
        motherIdNumber: citizenIdNumber,
        bankAccount,
      }),
      output: z.object({ paymentNumber: issuedNumber }),
    },
  ],
);
