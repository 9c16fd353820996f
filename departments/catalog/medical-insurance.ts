import { z } from 'zod';
import {
  bankAccount,
  citizenIdNumber,
  isoDate,
  issuedNumber,
  personName,
  label,
} from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';
import { certificateOf } from '../../schemas/materials.js';

/**
 * Medical insurance bureau (医保): resident enrolment, maternity benefits, employer registration,
 * retiree status, and closing the insurance of the deceased.
 */
export const medicalInsurance = defineDepartment(
  'medical-insurance',
  { zh: '医疗保障局', en: 'Medical Insurance Bureau' },
  [
    {
      id: 'resident-enrolment',
      undo: { title: { zh: '注销参保登记', en: 'Cancel the enrolment' } },
      title: { zh: '城乡居民医保参保登记', en: 'Resident medical insurance enrolment' },
      input: z.object({
        citizenIdNumber,
        insuredName: personName,
        address: z.string().min(1).max(200),
        /** The electronic household register page, verified at the police (older applications send only the ID number). */
        householdPageCertificate: certificateOf('household-register-page').optional(),
      }),
      output: z.object({
        enrolmentNumber: issuedNumber.meta(label({ zh: '参保登记编号', en: 'Enrolment number' })),
      }),
    },
    {
      id: 'maternity-benefit',
      title: { zh: '生育津贴', en: 'Maternity allowance' },
      input: z.object({
        certificateNumber: issuedNumber,
        motherIdNumber: citizenIdNumber,
        bankAccount,
      }),
      output: z.object({
        paymentNumber: issuedNumber.meta(
          label({ zh: '生育津贴支付编号', en: 'Maternity allowance payment number' }),
        ),
      }),
    },
    {
      id: 'close-coverage',
      title: { zh: '医保停保、个人账户支取', en: 'End of coverage and personal account payout' },
      input: z.object({
        deceasedIdNumber: citizenIdNumber,
        deregistrationNumber: issuedNumber,
        heirName: personName,
        heirIdNumber: citizenIdNumber,
        bankAccount,
      }),
      output: z.object({
        paymentNumber: issuedNumber.meta(
          label({ zh: '个人账户支取支付编号', en: 'Personal account payout number' }),
        ),
      }),
    },
    {
      id: 'employer-registration',
      title: { zh: '单位医疗保险登记', en: 'Employer medical insurance registration' },
      input: z.object({
        unifiedSocialCreditCode: issuedNumber,
        companyName: z.string().min(1).max(100),
        employeeCount: z.number().int().min(0),
      }),
      // Nothing is handed on: the employer is registered under its credit code.
      output: z.object({}),
    },
    {
      id: 'retiree-status',
      title: { zh: '职工医保转退休', en: 'Employee medical insurance retiree status' },
      input: z.object({ citizenIdNumber, pensionDecisionNumber: issuedNumber, retirementDate: isoDate }),
      // Short of the minimum contribution years, the retiree tops the difference up (in fen; 0 if not).
      output: z.object({
        retireeRecordNumber: issuedNumber.meta(
          label({ zh: '退休人员医保登记编号', en: 'Retiree record number' }),
        ),
        topUpFen: z
          .number()
          .int()
          .min(0)
          .meta(
            label(
              { zh: '补缴金额（分）', en: 'Top-up (fen)' },
              {
                zh: '不足最低缴费年限时补缴的差额，以分计；无需补缴为 0',
                en: 'what makes up the minimum contribution years, in fen; 0 if nothing',
              },
            ),
          ),
      }),
    },
  ],
);
