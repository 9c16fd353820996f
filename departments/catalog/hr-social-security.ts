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

/**
 * Human resources and social security bureau (人社): social security cards, employer
 * registration, retirement and pensions, and what ends with a death.
 */
export const hrSocialSecurity = defineDepartment(
  'hr-social-security',
  { zh: '人力资源和社会保障局', en: 'Human Resources and Social Security Bureau' },
  [
    {
      id: 'social-security-card',
      undo: { title: { zh: '撤销社保卡申领', en: 'Cancel the card application' } },
      title: { zh: '社会保障卡申领', en: 'Social security card' },
      input: z.object({
        citizenIdNumber,
        holderName: personName,
        guardianName: personName,
        guardianIdNumber: citizenIdNumber,
        mailingAddress: z.string().min(1).max(200),
      }),
      output: z.object({
        cardNumber: issuedNumber.meta(label({ zh: '社会保障卡卡号', en: 'Social security card number' })),
      }),
    },
    {
      id: 'pension-stop',
      title: { zh: '养老金停发、终止参保', en: 'Pension stop and end of insurance' },
      input: z.object({
        deceasedIdNumber: citizenIdNumber,
        deregistrationNumber: issuedNumber,
        deathDate: isoDate,
      }),
      // Pensions are paid monthly in advance: what was paid for the months after the death, in fen (0 if none).
      output: z.object({
        stopRecordNumber: issuedNumber.meta(
          label({ zh: '养老金停发记录编号', en: 'Pension stop record number' }),
        ),
        overpaymentFen: z
          .number()
          .int()
          .min(0)
          .meta(
            label(
              { zh: '多发养老金（分）', en: 'Pension overpaid (fen)' },
              {
                zh: '死亡后各月已预发的养老金，以分计；没有为 0',
                en: 'paid for the months after the death, in fen; 0 if none',
              },
            ),
          ),
      }),
    },
    {
      id: 'survivor-benefits',
      title: { zh: '丧葬补助金、抚恤金', en: 'Funeral grant and dependants’ pension' },
      input: z.object({
        deceasedIdNumber: citizenIdNumber,
        deathCertificateNumber: issuedNumber,
        cremationRecordNumber: issuedNumber,
        beneficiaryName: personName,
        beneficiaryIdNumber: citizenIdNumber,
        beneficiaryRelation: z.enum(['spouse', 'child', 'parent', 'sibling', 'other-heir']),
        bankAccount,
      }),
      output: z.object({
        paymentNumber: issuedNumber.meta(
          label({ zh: '丧葬补助金、抚恤金支付编号', en: 'Funeral grant and pension payment number' }),
        ),
      }),
    },
    {
      id: 'employer-registration',
      title: { zh: '单位社会保险登记', en: 'Employer social insurance registration' },
      input: z.object({
        unifiedSocialCreditCode: issuedNumber,
        companyName: z.string().min(1).max(100),
        employeeCount: z.number().int().min(0),
      }),
      output: z.object({
        employerInsuranceNumber: issuedNumber.meta(
          label({ zh: '单位社会保险登记编号', en: 'Employer social insurance number' }),
        ),
      }),
    },
    {
      id: 'retirement-eligibility',
      title: { zh: '退休条件审定', en: 'Retirement eligibility review' },
      // Age, contribution years and file are found by the ID number in the bureau's own records.
      input: z.object({ citizenIdNumber, name: personName }),
      output: z.object({
        decisionNumber: issuedNumber.meta(
          label({ zh: '退休审批决定编号', en: 'Retirement decision number' }),
        ),
        retirementDate: isoDate.meta(label({ zh: '退休日期', en: 'Retirement date' })),
      }),
    },
    {
      id: 'pension',
      title: { zh: '养老金核定', en: 'Pension calculation and payment' },
      input: z.object({
        citizenIdNumber,
        eligibilityDecisionNumber: issuedNumber,
        retirementDate: isoDate,
        socialSecurityCardNumber: issuedNumber,
      }),
      // The decision also marks the person a retiree, the status medical insurance and the fund act on.
      output: z.object({
        pensionDecisionNumber: issuedNumber.meta(
          label({ zh: '养老金核定决定编号', en: 'Pension decision number' }),
        ),
        monthlyPensionFen: z
          .number()
          .int()
          .positive()
          .meta(
            label(
              { zh: '月养老金（分）', en: 'Monthly pension (fen)' },
              { zh: '每月发放的基本养老金，以分计', en: 'the pension paid each month, in fen' },
            ),
          ),
      }),
    },
  ],
);
