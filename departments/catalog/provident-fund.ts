import { z } from 'zod';
import { bankAccount, citizenIdNumber, issuedNumber, personName, label } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** Housing provident fund centre (住房公积金管理中心): deposit accounts, sealing and withdrawals. */
export const providentFund = defineDepartment(
  'provident-fund',
  { zh: '住房公积金管理中心', en: 'Housing Provident Fund Centre' },
  [
    {
      id: 'withdrawal',
      title: { zh: '住房公积金提取', en: 'Housing provident fund withdrawal' },
      // The ground of the withdrawal is the record that proves it: a household deregistration
      // (the holder died) or a sealed account (the holder retired). A bundle maps the one it has.
      input: z.object({
        holderIdNumber: citizenIdNumber,
        payeeName: personName,
        payeeIdNumber: citizenIdNumber,
        bankAccount,
        deregistrationNumber: issuedNumber.optional(),
        sealedAccountNumber: issuedNumber.optional(),
      }),
      output: z.object({
        paymentNumber: issuedNumber.meta(
          label({ zh: '公积金提取支付编号', en: 'Withdrawal payment number' }),
        ),
      }),
    },
    {
      id: 'deposit-registration',
      title: { zh: '住房公积金单位缴存登记', en: 'Employer housing fund deposit registration' },
      input: z.object({
        unifiedSocialCreditCode: issuedNumber,
        companyName: z.string().min(1).max(100),
        depositRatePercent: z.number().int().min(5).max(12),
        employeeCount: z.number().int().min(0),
      }),
      output: z.object({
        depositAccountNumber: issuedNumber.meta(
          label({ zh: '单位缴存账号', en: 'Employer deposit account number' }),
        ),
      }),
    },
    {
      id: 'account-sealing',
      title: { zh: '住房公积金账户封存', en: 'Housing fund account sealing' },
      input: z.object({ holderIdNumber: citizenIdNumber, pensionDecisionNumber: issuedNumber }),
      output: z.object({
        sealedAccountNumber: issuedNumber.meta(label({ zh: '封存账户编号', en: 'Sealed account number' })),
      }),
    },
  ],
);
