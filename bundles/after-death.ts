import { z } from 'zod';
import { bankAccount, isoDate, label, labelledPerson, options } from '../schemas/fields.js';
import type { BundleDefinition } from './definition.js';
import { step } from './step.js';

const applicant = z
  .object({
    ...labelledPerson,
    relation: z.enum(['spouse', 'child', 'parent', 'sibling', 'other-heir']).meta({
      ...label({ zh: '与逝者关系', en: 'Relation to the deceased' }),
      ...options({
        spouse: { zh: '配偶', en: 'Spouse' },
        child: { zh: '子女', en: 'Child' },
        parent: { zh: '父母', en: 'Parent' },
        sibling: { zh: '兄弟姐妹', en: 'Sibling' },
        'other-heir': { zh: '其他继承人', en: 'Other heir' },
      }),
    }),
  })
  .strict();

const form = z
  .object({
    deceased: z
      .object({ name: labelledPerson.name, idNumber: labelledPerson.idNumber })
      .strict()
      .meta(label({ zh: '逝者', en: 'The deceased' })),
    death: z
      .object({
        date: isoDate.meta(label({ zh: '死亡日期', en: 'Date of death' })),
        place: z
          .string()
          .min(1)
          .max(200)
          .meta(
            label(
              { zh: '死亡地点', en: 'Place of death' },
              { zh: '医院名称，或在家中死亡的住址', en: 'hospital, or address of a death at home' },
            ),
          ),
        // Requests of version 1 had no manner: a death certified by a hospital.
        manner: z
          .enum(['natural', 'abnormal'])
          .default('natural')
          .meta({
            ...label(
              { zh: '死亡性质', en: 'Manner of death' },
              {
                zh: '正常死亡由医院或社区卫生服务机构出具证明；非正常死亡（事故、案件、原因不明）由公安机关出具',
                en: 'natural: a hospital or community health centre certifies it; abnormal (an accident, a crime, an unknown cause): the police certify it',
              },
            ),
            ...options({
              natural: { zh: '正常死亡', en: 'Natural death' },
              abnormal: { zh: '非正常死亡', en: 'Abnormal death' },
            }),
          }),
      })
      .strict()
      .meta(label({ zh: '死亡情况', en: 'Death' })),
    beneficiaryBankAccount: bankAccount.meta(
      label(
        { zh: '收款银行账号', en: "Beneficiary's bank account" },
        { zh: '丧葬补助金、退款和提取款项的收款账户', en: 'where grants, refunds and withdrawals are paid' },
      ),
    ),
    // Items that apply only to some: a licence holder, a pensioner, an insured employee, a fund member.
    optIns: z
      .object({
        drivingLicenceCancel: z
          .boolean()
          .default(false)
          .meta(
            label(
              { zh: '注销驾驶证', en: 'Cancel the driving licence' },
              { zh: '逝者持有驾驶证时选择', en: 'if the deceased held a driving licence' },
            ),
          ),
        pensionStop: z
          .boolean()
          .default(false)
          .meta(
            label(
              { zh: '养老金停发', en: 'Stop the pension' },
              { zh: '逝者领取养老金时选择', en: 'if the deceased drew a pension' },
            ),
          ),
        survivorBenefits: z
          .boolean()
          .default(false)
          .meta(
            label(
              { zh: '丧葬补助金、抚恤金', en: "Funeral grant and dependants' pension" },
              { zh: '逝者参加职工养老保险时选择', en: 'if the deceased was an insured employee' },
            ),
          ),
        housingFundWithdrawal: z
          .boolean()
          .default(false)
          .meta(
            label(
              { zh: '公积金提取', en: 'Housing provident fund withdrawal' },
              { zh: '逝者缴存住房公积金时选择', en: 'if the deceased paid into a housing provident fund' },
            ),
          ),
      })
      .strict()
      .default({
        drivingLicenceCancel: false,
        pensionStop: false,
        survivorBenefits: false,
        housingFundWithdrawal: false,
      })
      .meta(label({ zh: '可选事项', en: 'Optional items' })),
  })
  .strict();

const deceased = { deceasedName: 'form.deceased.name', deceasedIdNumber: 'form.deceased.idNumber' };
/** Whichever certified the death: the hospital, or for an abnormal death the police. */
const certifiers = ['deathCertificate', 'policeDeathCertificate'];
const deathCertificateNumber =
  'steps.deathCertificate.certificateNumber ?? steps.policeDeathCertificate.certificateNumber';
const payee = { bankAccount: 'form.beneficiaryBankAccount' };

/**
 * 身后一件事: the death certificate → cremation and household deregistration; the deregistration,
 * broadcast as the death event, lets the other departments close what the deceased held. A
 * hospital certifies a natural death, the police an abnormal one (version 2; the form's
 * `death.manner`); the steps after it take the certificate from whichever did.
 * Time limits are assumed (the reference gives only the survivor benefits' 8 working days).
 */
export const afterDeath: BundleDefinition = {
  id: 'after-death',
  version: 2,
  title: { zh: '身后一件事', en: 'After-death matters' },
  description: {
    zh: '死亡医学证明、火化证明、户口注销、驾驶证注销、养老金停发、丧葬补助金和抚恤金、医保停保、公积金提取一次办',
    en: "Death certificate, cremation, household deregistration, and closing the deceased's licence, pension, insurance and housing fund in one application",
  },
  leadDepartment: 'civil-affairs',
  // Assumed: the longest chain (death certificate 0 + cremation 1 + survivor benefits 8), rounded up.
  promisedWorkingDays: 10,
  // Pension and estate matters are disputed for years: kept five.
  retentionDays: 1825,
  applicant,
  form,
  steps: [
    step({
      id: 'deathCertificate',
      title: { zh: '死亡医学证明', en: 'Death medical certificate' },
      department: 'health',
      service: 'death-certificate',
      appliesWhen: { field: 'form.death.manner', equals: 'natural' },
      input: { ...deceased, deathDate: 'form.death.date', deathPlace: 'form.death.place' },
      timeLimitWorkingDays: 0, // assumed: issued by the hospital on the day
    }),
    step({
      id: 'policeDeathCertificate',
      title: { zh: '公安机关出具死亡证明', en: 'Death certificate by the police (abnormal death)' },
      department: 'police',
      service: 'death-certificate',
      appliesWhen: { field: 'form.death.manner', equals: 'abnormal' },
      input: { ...deceased, deathDate: 'form.death.date', deathPlace: 'form.death.place' },
      // Assumed: the family applies once the police have established the cause; certified the next working day.
      timeLimitWorkingDays: 1,
    }),
    step({
      id: 'cremation',
      title: { zh: '火化证明', en: 'Cremation certificate' },
      department: 'civil-affairs',
      service: 'cremation-certificate',
      after: certifiers,
      input: {
        ...deceased,
        deathCertificateNumber,
        familyContactName: 'applicant.name',
        familyContactPhone: 'applicant.phone',
      },
      timeLimitWorkingDays: 1, // assumed
    }),
    step({
      id: 'householdDeregistration',
      title: { zh: '户口注销', en: 'Household deregistration' },
      department: 'police',
      service: 'household-deregistration',
      after: certifiers,
      input: {
        ...deceased,
        deathCertificateNumber,
        deathDate: 'form.death.date',
      },
      timeLimitWorkingDays: 0, // assumed: on the spot
    }),
    step({
      id: 'drivingLicenceCancel',
      title: { zh: '驾驶证注销', en: 'Driving licence cancellation' },
      department: 'traffic-police',
      service: 'driving-licence-cancellation',
      after: ['householdDeregistration'],
      optInField: 'form.optIns.drivingLicenceCancel',
      input: {
        holderIdNumber: 'form.deceased.idNumber',
        deregistrationNumber: 'steps.householdDeregistration.deregistrationNumber',
      },
      timeLimitWorkingDays: 1, // assumed
    }),
    step({
      id: 'pensionStop',
      title: { zh: '养老金停发', en: 'Pension stop' },
      department: 'hr-social-security',
      service: 'pension-stop',
      after: ['householdDeregistration'],
      optInField: 'form.optIns.pensionStop',
      input: {
        deceasedIdNumber: 'form.deceased.idNumber',
        deregistrationNumber: 'steps.householdDeregistration.deregistrationNumber',
        deathDate: 'form.death.date',
      },
      timeLimitWorkingDays: 1, // assumed
    }),
    step({
      id: 'survivorBenefits',
      title: { zh: '丧葬补助金、抚恤金', en: 'Funeral grant and dependants’ pension' },
      department: 'hr-social-security',
      service: 'survivor-benefits',
      after: [...certifiers, 'cremation'],
      optInField: 'form.optIns.survivorBenefits',
      input: {
        deceasedIdNumber: 'form.deceased.idNumber',
        deathCertificateNumber,
        cremationRecordNumber: 'steps.cremation.cremationRecordNumber',
        beneficiaryName: 'applicant.name',
        beneficiaryIdNumber: 'applicant.idNumber',
        beneficiaryRelation: 'applicant.relation',
        ...payee,
      },
      timeLimitWorkingDays: 8,
    }),
    step({
      id: 'medicalInsuranceClose',
      title: { zh: '医保停保、个人账户支取', en: 'Medical insurance closure and account payout' },
      department: 'medical-insurance',
      service: 'close-coverage',
      after: ['householdDeregistration'],
      input: {
        deceasedIdNumber: 'form.deceased.idNumber',
        deregistrationNumber: 'steps.householdDeregistration.deregistrationNumber',
        heirName: 'applicant.name',
        heirIdNumber: 'applicant.idNumber',
        ...payee,
      },
      timeLimitWorkingDays: 5, // assumed
    }),
    step({
      id: 'housingFundWithdrawal',
      title: { zh: '公积金提取', en: 'Housing provident fund withdrawal' },
      department: 'provident-fund',
      service: 'withdrawal',
      after: ['householdDeregistration'],
      optInField: 'form.optIns.housingFundWithdrawal',
      input: {
        holderIdNumber: 'form.deceased.idNumber',
        deregistrationNumber: 'steps.householdDeregistration.deregistrationNumber',
        payeeName: 'applicant.name',
        payeeIdNumber: 'applicant.idNumber',
        ...payee,
      },
      timeLimitWorkingDays: 5, // assumed
    }),
  ],
  example: {
    bundleId: 'after-death',
    applicant: { name: '张丽', idNumber: '330106199203150027', phone: '13800138001', relation: 'child' },
    // Died at 58 while employed: no pension to stop, the other items apply.
    form: {
      deceased: { name: '张建国', idNumber: '330106196803120039' },
      death: { date: '2026-11-02', place: '浙江大学医学院附属第一医院', manner: 'natural' },
      beneficiaryBankAccount: '6222021202041234568',
      optIns: {
        drivingLicenceCancel: true,
        pensionStop: false,
        survivorBenefits: true,
        housingFundWithdrawal: true,
      },
    },
  },
  otherExamples: [
    {
      id: 'abnormal-death',
      title: { zh: '非正常死亡：公安机关出具死亡证明', en: 'Abnormal death: the police certify it' },
      request: {
        bundleId: 'after-death',
        applicant: { name: '李娜', idNumber: '330106199507210041', phone: '13800138007', relation: 'spouse' },
        // A traffic accident: the police, not a hospital, certify the death.
        form: {
          deceased: { name: '陈志明', idNumber: '33010619900308001X' },
          death: { date: '2026-11-09', place: '杭州市西湖区文一西路与古墩路交叉口', manner: 'abnormal' },
          beneficiaryBankAccount: '6222021202041239876',
          optIns: {
            drivingLicenceCancel: true,
            pensionStop: false,
            survivorBenefits: true,
            housingFundWithdrawal: true,
          },
        },
      },
    },
  ],
};
