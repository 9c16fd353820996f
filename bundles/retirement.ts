import { z } from 'zod';
import { bankAccount, issuedNumber, label, labelledPerson } from '../schemas/fields.js';
import type { BundleDefinition } from './definition.js';
import { step } from './step.js';

const applicant = z.object(labelledPerson).strict();

const form = z
  .object({
    socialSecurityCard: z
      .object({
        cardNumber: issuedNumber.meta(label({ zh: '社会保障卡卡号', en: 'Card number' })),
        bankAccount: bankAccount.meta(
          label(
            { zh: '社保卡金融账户', en: "The card's bank account" },
            {
              zh: '社保卡的银行账户，养老金和提取款项发放至此',
              en: "the card's financial account, where pension and withdrawals go",
            },
          ),
        ),
      })
      .strict()
      .meta(label({ zh: '社会保障卡（具有金融功能）', en: 'Social security card (with bank function)' })),
    optIns: z
      .object({
        housingFundWithdrawal: z
          .boolean()
          .default(false)
          .meta(
            label(
              { zh: '退休提取公积金', en: 'Withdraw the housing provident fund' },
              {
                zh: '封存后一并提取住房公积金',
                en: 'withdraw the housing provident fund once the account is sealed',
              },
            ),
          ),
      })
      .strict()
      .default({ housingFundWithdrawal: false })
      .meta(label({ zh: '可选事项', en: 'Optional items' })),
  })
  .strict();

const retiree = { citizenIdNumber: 'applicant.idNumber' };

/**
 * 退休一件事: eligibility → pension → medical insurance retiree status ∥ housing fund sealing
 * (→ withdrawal, if opted in). The family-planning reward some provinces add is not modelled.
 * Pension and medical insurance limits are assumed; eligibility is Fujian's 5 working days and the
 * withdrawal Shanghai's 3.
 */
export const retirement: BundleDefinition = {
  id: 'retirement',
  version: 1,
  title: { zh: '退休一件事', en: 'Retirement' },
  description: {
    zh: '退休条件审定、养老金核定、职工医保转退休、公积金封存和提取一次办',
    en: 'Retirement eligibility, pension, medical insurance retiree status and housing fund sealing and withdrawal in one application',
  },
  leadDepartment: 'hr-social-security',
  // Assumed: the longest chain, eligibility 5 + pension 5 + sealing 1 + withdrawal 3.
  promisedWorkingDays: 14,
  // Pension and estate matters are disputed for years: kept five.
  retentionDays: 1825,
  applicant,
  form,
  steps: [
    step({
      id: 'eligibility',
      title: { zh: '退休条件审定', en: 'Retirement eligibility review' },
      department: 'hr-social-security',
      service: 'retirement-eligibility',
      input: { ...retiree, name: 'applicant.name' },
      timeLimitWorkingDays: 5,
    }),
    step({
      id: 'pension',
      title: { zh: '养老金核定', en: 'Pension calculation and payment' },
      department: 'hr-social-security',
      service: 'pension',
      after: ['eligibility'],
      input: {
        ...retiree,
        eligibilityDecisionNumber: 'steps.eligibility.decisionNumber',
        retirementDate: 'steps.eligibility.retirementDate',
        socialSecurityCardNumber: 'form.socialSecurityCard.cardNumber',
      },
      timeLimitWorkingDays: 5, // assumed
    }),
    step({
      id: 'medicalRetiree',
      title: { zh: '职工医保转退休', en: 'Medical insurance retiree status' },
      department: 'medical-insurance',
      service: 'retiree-status',
      after: ['pension'],
      input: {
        ...retiree,
        pensionDecisionNumber: 'steps.pension.pensionDecisionNumber',
        retirementDate: 'steps.eligibility.retirementDate',
      },
      timeLimitWorkingDays: 3, // assumed
    }),
    step({
      id: 'housingFundSeal',
      title: { zh: '公积金封存', en: 'Housing fund account sealing' },
      department: 'provident-fund',
      service: 'account-sealing',
      after: ['pension'],
      input: {
        holderIdNumber: 'applicant.idNumber',
        pensionDecisionNumber: 'steps.pension.pensionDecisionNumber',
      },
      timeLimitWorkingDays: 1, // assumed: automatic
    }),
    step({
      id: 'housingFundWithdrawal',
      title: { zh: '退休提取公积金', en: 'Housing fund withdrawal on retirement' },
      department: 'provident-fund',
      service: 'withdrawal',
      after: ['housingFundSeal'],
      optInField: 'form.optIns.housingFundWithdrawal',
      input: {
        holderIdNumber: 'applicant.idNumber',
        sealedAccountNumber: 'steps.housingFundSeal.sealedAccountNumber',
        payeeName: 'applicant.name',
        payeeIdNumber: 'applicant.idNumber',
        bankAccount: 'form.socialSecurityCard.bankAccount',
      },
      timeLimitWorkingDays: 3,
    }),
  ],
  example: {
    bundleId: 'retirement',
    applicant: { name: '周国平', idNumber: '330106196608150013', phone: '13800138003' },
    form: {
      socialSecurityCard: { cardNumber: 'A33010612', bankAccount: '6217001540001234567' },
      optIns: { housingFundWithdrawal: true },
    },
  },
};
