import { z } from 'zod';
import { citizenIdNumber, issuedNumber } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** Traffic police (公安交管): cancels a deceased person's driving licence. */
export const trafficPolice = defineDepartment(
  'traffic-police',
  { zh: '公安交通管理部门', en: 'Traffic Police' },
  [
    {
      id: 'driving-licence-cancellation',
      title: { zh: '驾驶证注销', en: 'Driving licence cancellation' },
      // The licence is found by the ID number; the deregistration record is the legal ground.
      input: z.object({ holderIdNumber: citizenIdNumber, deregistrationNumber: issuedNumber }),
      // Nothing is handed on: the licence is simply no longer valid.
      output: z.object({}),
    },
  ],
);
