import { z } from 'zod';
import {
  bankAccount,
  citizenIdNumber,
  isoDate,
  issuedNumber,
  label,
  labelledPerson,
  options,
  personName,
  sex,
} from '../schemas/fields.js';
import type { StepDefinition } from '../schemas/bundle.js';
import { defaultCallTimeout, defaultRetry } from './definition.js';
import type { BundleDefinition } from './definition.js';
import { defaultRetentionDays } from '../schemas/retention.js';

const applicant = z
  .object({
    ...labelledPerson,
    relation: z.enum(['mother', 'father']).meta({
      ...label({ zh: '与新生儿关系', en: 'Relation to the baby' }),
      ...options({ mother: { zh: '母亲', en: 'Mother' }, father: { zh: '父亲', en: 'Father' } }),
    }),
  })
  .strict();

const person = z.object({ name: labelledPerson.name, idNumber: labelledPerson.idNumber }).strict();

const form = z
  .object({
    baby: z
      .object({
        name: personName.meta(label({ zh: '新生儿姓名', en: "Baby's name" })),
        sex: sex.meta(label({ zh: '性别', en: 'Sex' })),
        birthDate: isoDate.meta(label({ zh: '出生日期', en: 'Date of birth' })),
        ethnicity: z
          .string()
          .min(1)
          .max(20)
          .meta(label({ zh: '民族', en: 'Ethnicity' }, { zh: '如：汉族', en: '民族, e.g. 汉族' })),
        deliveryRecordNumber: issuedNumber.meta(
          label(
            { zh: '分娩记录编号', en: 'Delivery record number' },
            { zh: '助产医院的分娩记录编号', en: "the hospital's delivery record number" },
          ),
        ),
      })
      .strict()
      .meta(label({ zh: '新生儿', en: 'Baby' })),
    mother: person.meta(label({ zh: '母亲', en: 'Mother' })),
    father: person.meta(label({ zh: '父亲', en: 'Father' })),
    household: z
      .object({
        parentIdNumber: citizenIdNumber.meta(
          label(
            { zh: '落户父母身份证号码', en: "Household parent's ID number" },
            {
              zh: '新生儿随哪位父母落户，填该父母的身份证号码',
              en: 'ID number of the parent whose household the baby joins',
            },
          ),
        ),
      })
      .strict()
      .meta(label({ zh: '落户', en: 'Household registration' })),
    marriageCertificateNumber: issuedNumber.meta(
      label({ zh: '结婚证字号', en: 'Marriage certificate number' }),
    ),
    insuranceAddress: z
      .string()
      .min(1)
      .max(200)
      .meta(
        label(
          { zh: '参保地址', en: 'Insurance address' },
          { zh: '城乡居民医保参保登记的地址', en: 'address for medical insurance enrolment' },
        ),
      ),
    mailingAddress: z
      .string()
      .min(1)
      .max(200)
      .meta(
        label(
          { zh: '邮寄地址', en: 'Mailing address' },
          { zh: '社保卡的邮寄地址', en: 'where the social security card is mailed' },
        ),
      ),
    bankAccount: bankAccount.optional().meta(
      label(
        { zh: '母亲银行账号', en: "Mother's bank account" },
        {
          zh: '用于发放生育津贴；申领生育津贴时必填',
          en: "mother's bank account, for the maternity allowance; required when opting in to it",
        },
      ),
    ),
    optIns: z
      .object({
        maternityBenefit: z
          .boolean()
          .default(false)
          .meta(
            label(
              { zh: '申领生育津贴', en: 'Claim the maternity allowance' },
              {
                zh: '同时申领生育津贴（需填写母亲银行账号）',
                en: "also claim the maternity allowance (needs the mother's bank account)",
              },
            ),
          ),
      })
      .strict()
      .default({ maternityBenefit: false })
      .meta(label({ zh: '可选事项', en: 'Optional items' })),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.optIns.maternityBenefit && value.bankAccount === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bankAccount'],
        message: 'required when opting in to the maternity allowance',
      });
    }
  });

const baby = { babyName: 'form.baby.name', babySex: 'form.baby.sex', birthDate: 'form.baby.birthDate' };
const step = (
  s: Omit<StepDefinition, 'callTimeout' | 'retry' | 'after'> & Partial<StepDefinition>,
): StepDefinition => ({
  callTimeout: defaultCallTimeout,
  retry: defaultRetry,
  after: [],
  ...s,
});

/** 新生儿出生一件事: health → police → medical insurance (→ tax) ∥ social security; CDC in parallel. */
export const newborn: BundleDefinition = {
  id: 'newborn',
  version: 1,
  title: { zh: '新生儿出生一件事', en: 'Newborn birth' },
  description: {
    zh: '出生医学证明、预防接种证、出生登记、医保参保缴费、社保卡申领一次办',
    en: 'Birth certificate, vaccination certificate, household registration, medical insurance and social security card in one application',
  },
  leadDepartment: 'health',
  promisedWorkingDays: 5,
  retentionDays: defaultRetentionDays,
  applicant,
  form,
  steps: [
    step({
      id: 'birthCertificate',
      title: { zh: '出生医学证明', en: 'Birth medical certificate' },
      department: 'health',
      service: 'birth-certificate',
      input: {
        ...baby,
        deliveryRecordNumber: 'form.baby.deliveryRecordNumber',
        motherName: 'form.mother.name',
        motherIdNumber: 'form.mother.idNumber',
        fatherName: 'form.father.name',
        fatherIdNumber: 'form.father.idNumber',
      },
      timeLimitWorkingDays: 0,
    }),
    step({
      id: 'vaccination',
      title: { zh: '预防接种证', en: 'Vaccination certificate' },
      department: 'cdc',
      service: 'vaccination-certificate',
      input: { ...baby, guardianName: 'applicant.name', guardianPhone: 'applicant.phone' },
      timeLimitWorkingDays: 22,
      statutoryLimit: {
        amount: 1,
        unit: 'months',
        from: 'form.baby.birthDate',
        title: { zh: '出生后一个月内办理预防接种证', en: 'within one month of birth' },
        basis: { zh: '《中华人民共和国疫苗管理法》第四十七条', en: 'Vaccine Administration Law, art. 47' },
      },
    }),
    step({
      id: 'householdRegistration',
      title: { zh: '出生登记', en: 'Birth and household registration' },
      department: 'police',
      service: 'birth-registration',
      after: ['birthCertificate'],
      input: {
        ...baby,
        certificateNumber: 'steps.birthCertificate.certificateNumber',
        birthCertificate: 'steps.birthCertificate.certificate',
        ethnicity: 'form.baby.ethnicity',
        householdParentIdNumber: 'form.household.parentIdNumber',
        marriageCertificateNumber: 'form.marriageCertificateNumber',
      },
      timeLimitWorkingDays: 0,
      statutoryLimit: {
        amount: 1,
        unit: 'months',
        from: 'form.baby.birthDate',
        title: { zh: '出生后一个月以内申报出生登记', en: 'registered within one month of birth' },
        basis: {
          zh: '《中华人民共和国户口登记条例》第七条',
          en: 'Regulations on Household Registration, art. 7',
        },
      },
    }),
    step({
      id: 'medicalInsurance',
      title: { zh: '城乡居民医保参保登记', en: 'Resident medical insurance enrolment' },
      department: 'medical-insurance',
      service: 'resident-enrolment',
      after: ['householdRegistration'],
      input: {
        citizenIdNumber: 'steps.householdRegistration.citizenIdNumber',
        insuredName: 'form.baby.name',
        address: 'form.insuranceAddress',
        householdPageCertificate: 'steps.householdRegistration.householdPageCertificate',
      },
      timeLimitWorkingDays: 5,
    }),
    step({
      id: 'insurancePayment',
      title: { zh: '居民医保缴费', en: 'Medical insurance contribution' },
      department: 'tax',
      service: 'resident-contribution',
      after: ['medicalInsurance'],
      input: {
        citizenIdNumber: 'steps.householdRegistration.citizenIdNumber',
        enrolmentNumber: 'steps.medicalInsurance.enrolmentNumber',
      },
      timeLimitWorkingDays: 5,
    }),
    step({
      id: 'socialSecurityCard',
      title: { zh: '社会保障卡申领', en: 'Social security card' },
      department: 'hr-social-security',
      service: 'social-security-card',
      after: ['householdRegistration'],
      input: {
        citizenIdNumber: 'steps.householdRegistration.citizenIdNumber',
        holderName: 'form.baby.name',
        guardianName: 'applicant.name',
        guardianIdNumber: 'applicant.idNumber',
        mailingAddress: 'form.mailingAddress',
      },
      timeLimitWorkingDays: 5,
      // The card is made and mailed after the department issued its number: not on the clock.
      clockExcludes: ['card-production', 'mailing'],
    }),
    step({
      id: 'maternityBenefit',
      title: { zh: '生育津贴', en: 'Maternity allowance' },
      department: 'medical-insurance',
      service: 'maternity-benefit',
      after: ['birthCertificate'],
      optInField: 'form.optIns.maternityBenefit',
      input: {
        certificateNumber: 'steps.birthCertificate.certificateNumber',
        motherIdNumber: 'form.mother.idNumber',
        bankAccount: 'form.bankAccount',
      },
      timeLimitWorkingDays: 10,
    }),
  ],
  example: {
    bundleId: 'newborn',
    applicant: { name: '李娜', idNumber: '330106199203150027', phone: '13800138000', relation: 'mother' },
    form: {
      baby: {
        name: '王小明',
        sex: 'male',
        birthDate: '2026-11-20',
        ethnicity: '汉族',
        deliveryRecordNumber: 'DR-2026-112001',
      },
      mother: { name: '李娜', idNumber: '330106199203150027' },
      father: { name: '王强', idNumber: '330106199007080033' },
      household: { parentIdNumber: '330106199007080033' },
      marriageCertificateNumber: 'J330106-2019-004512',
      insuranceAddress: '浙江省杭州市西湖区文三路 100 号',
      mailingAddress: '浙江省杭州市西湖区文三路 100 号 2 单元 301',
      bankAccount: '6222021202041234567',
      optIns: { maternityBenefit: true },
    },
  },
};
