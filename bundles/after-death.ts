import { z } from 'zod';
import { bankAccount, citizenIdNumber, isoDate, personName, phoneNumber } from '../schemas/fields.js';
import { fieldTitle } from '../schemas/field-title.js';
import type { BundleDefinition } from './definition.js';
import { step } from './step.js';

const applicant = z
  .object({
    name: personName,
    idNumber: citizenIdNumber,
    phone: phoneNumber,
    relation: z
      .enum(['spouse', 'child', 'parent', 'sibling', 'other-heir'])
      .describe("the applicant's relation to the deceased"),
  })
  .strict();

const form = z
  .object({
    deceased: z.object({ name: personName, idNumber: citizenIdNumber }).strict(),
    death: z
      .object({
        date: isoDate,
        place: z.string().min(1).max(200).describe('hospital, or address of a death at home'),
        // Requests of version 1 had no manner: a death certified by a hospital.
        manner: z
          .enum(['natural', 'abnormal'])
          .default('natural')
          .meta({
            ...fieldTitle({ zh: '死亡性质', en: 'Manner of death' }),
            description:
              'natural (正常死亡): a hospital or community health centre certifies it; abnormal (非正常死亡: an accident, a crime, an unknown cause): the police certify it',
            'x-enum-titles': {
              natural: { zh: '正常死亡', en: 'Natural death' },
              abnormal: { zh: '非正常死亡', en: 'Abnormal death' },
            },
          }),
      })
      .strict(),
    beneficiaryBankAccount: bankAccount.describe('where grants, refunds and withdrawals are paid'),
    // Items that apply only to some: a licence holder, a pensioner, an insured employee, a fund member.
    optIns: z
      .object({
        drivingLicenceCancel: z.boolean().default(false),
        pensionStop: z.boolean().default(false),
        survivorBenefits: z.boolean().default(false),
        housingFundWithdrawal: z.boolean().default(false),
      })
      .strict()
      .default({
        drivingLicenceCancel: false,
        pensionStop: false,
        survivorBenefits: false,
        housingFundWithdrawal: false,
      }),
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
