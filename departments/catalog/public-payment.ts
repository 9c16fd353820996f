import { z } from 'zod';
import { citizenIdNumber, issuedNumber, personName, phoneNumber, label } from '../../schemas/fields.js';
import type { Title } from '../../schemas/bundle.js';
import type { ServiceDefinition } from '../definition.js';
import { defineDepartment } from '../definition.js';

/**
 * One fee item (执收项目) paid online: the platform sends the payer a payment notice, takes the
 * payment and answers with the payment number and the e-receipt (财政电子票据). The amount is the
 * item's, set by the price authority, never typed by the applicant; a withdrawn or rejected
 * application is refunded (the undo).
 */
function feeItem(id: string, title: Title): ServiceDefinition {
  return {
    id,
    title,
    input: z.object({ payerName: personName, payerIdNumber: citizenIdNumber, payerPhone: phoneNumber }),
    output: z.object({
      paymentNumber: issuedNumber.meta(label({ zh: '缴费单号', en: 'Payment number' })),
      receiptNumber: issuedNumber.meta(label({ zh: '财政电子票据号码', en: 'E-receipt number' })),
      amountFen: z
        .number()
        .int()
        .positive()
        .meta(
          label(
            { zh: '缴费金额（分）', en: 'Amount paid (fen)' },
            { zh: '实缴金额，以分计', en: 'the amount paid, in fen' },
          ),
        ),
    }),
    undo: { title: { zh: '退费', en: 'Refund' } },
  };
}

/**
 * The finance bureau's public payment platform (统一公共支付平台), where the fees of the
 * cloud-window items are paid online before the officer's video check.
 */
export const publicPayment = defineDepartment(
  'public-payment',
  { zh: '财政统一公共支付平台', en: 'Public payment platform (finance bureau)' },
  [
    feeItem('vehicle-certificate-fee', {
      zh: '机动车登记证书工本费',
      en: 'Vehicle registration certificate fee',
    }),
    feeItem('vehicle-licence-fee', { zh: '机动车行驶证工本费', en: 'Vehicle licence fee' }),
    feeItem('id-card-fee', { zh: '居民身份证工本费', en: 'Resident ID card fee' }),
  ],
);
