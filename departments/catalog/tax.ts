import { z } from 'zod';
import { citizenIdNumber, issuedNumber } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** Tax bureau (税务): collects resident medical insurance contributions and registers new taxpayers. */
export const tax = defineDepartment('tax', { zh: '税务局', en: 'Tax Bureau' }, [
  {
    id: 'resident-contribution',
    undo: { title: { zh: '退还医保缴费', en: 'Refund the contribution' } },
    title: { zh: '居民医保缴费', en: 'Resident insurance contribution' },
    input: z.object({ citizenIdNumber, enrolmentNumber: issuedNumber }),
    output: z.object({ paymentRecordId: issuedNumber }),
  },
  {
    id: 'invoice-registration',
    title: { zh: '涉税信息确认、发票申领', en: 'Tax information confirmation and invoices' },
    // The unified social credit code is the taxpayer number since 2015: no separate tax number.
    input: z.object({
      unifiedSocialCreditCode: issuedNumber,
      companyName: z.string().min(1).max(100),
      taxpayerType: z.enum(['small-scale', 'general']),
      legalRepresentativeIdNumber: citizenIdNumber,
    }),
    // The monthly total the company may invoice (数电发票开票额度), in yuan.
    output: z.object({ invoiceQuotaYuan: z.number().int().positive() }),
  },
]);
