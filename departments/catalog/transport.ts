import { z } from 'zod';
import { citizenIdNumber, issuedNumber, label } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** Transport bureau (交通运输局): licenses ride-hailing vehicles. */
export const transport = defineDepartment('transport', { zh: '交通运输局', en: 'Transport Bureau' }, [
  {
    id: 'ride-hailing-permit-cancellation',
    title: { zh: '网络预约出租汽车运输证注销', en: 'Ride-hailing vehicle permit cancellation' },
    input: z.object({
      plateNumber: z.string().min(1).max(16),
      ownerIdNumber: citizenIdNumber,
      permitNumber: issuedNumber.describe('网络预约出租汽车运输证号'),
    }),
    output: z.object({
      cancellationNumber: issuedNumber.meta(
        label({ zh: '运输证注销编号', en: 'Permit cancellation number' }),
      ),
    }),
  },
]);
