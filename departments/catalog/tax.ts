import { z } from 'zod';
import { citizenIdNumber, issuedNumber } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** Tax bureau (税务): collects resident medical insurance contributions. */
export const tax = defineDepartment('tax', { zh: '税务局', en: 'Tax Bureau' }, [
  {
    id: 'resident-contribution',
    title: { zh: '居民医保缴费', en: 'Resident insurance contribution' },
    input: z.object({ citizenIdNumber, enrolmentNumber: issuedNumber }),
    output: z.object({ paymentRecordId: issuedNumber }),
  },
]);
