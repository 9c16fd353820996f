import { z } from 'zod';
import { citizenIdNumber, issuedNumber, label } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** Tax bureau (税务): collects resident medical insurance contributions and registers new taxpayers. */
export const tax = defineDepartment('tax', { zh: '税务局', en: 'Tax Bureau' }, [
  {
    id: 'resident-contribution',
    undo: { title: { zh: '退还医保缴费', en: 'Refund the contribution' } },
    title: { zh: '居民医保缴费', en: 'Resident insurance contribution' },
    input: z.object({ citizenIdNumber, enrolmentNumber: issuedNumber }),
    output: z.object({
      paymentRecordId: issuedNumber.meta(label({ zh: '缴费记录编号', en: 'Payment record number' })),
    }),
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
    output: z.object({
      invoiceQuotaYuan: z
        .number()
        .int()
        .positive()
        .meta(
          label(
            { zh: '月开票额度（元）', en: 'Monthly invoice quota (yuan)' },
            {
              zh: '数电发票每月可开具的总额，以元计',
              en: 'the monthly total the company may invoice, in yuan',
            },
          ),
        ),
    }),
  },
]);
