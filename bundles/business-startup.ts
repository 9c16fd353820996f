import { z } from 'zod';
import { label, labelledPerson, options, personName } from '../schemas/fields.js';
import type { BundleDefinition } from './definition.js';
import { step } from './step.js';
import { defaultRetentionDays } from '../schemas/retention.js';
import { materialId } from '../schemas/materials.js';

const applicant = z
  .object({
    ...labelledPerson,
    role: z.enum(['legal-representative', 'agent']).meta({
      ...label(
        { zh: '申请人身份', en: 'Submitted as' },
        { zh: '谁为企业提交申请', en: 'who submits for the company' },
      ),
      ...options({
        'legal-representative': { zh: '法定代表人', en: 'Legal representative' },
        agent: { zh: '经办人（代理人）', en: 'Agent' },
      }),
    }),
  })
  .strict();

const shareholder = z
  .object({
    name: personName.meta(label({ zh: '股东姓名', en: "Shareholder's name" })),
    idNumber: labelledPerson.idNumber,
    contributionTenThousandYuan: z
      .number()
      .positive()
      .meta(
        label(
          { zh: '认缴出资额（万元）', en: 'Subscribed capital (10,000 yuan)' },
          { zh: '认缴出资额，单位万元', en: 'subscribed capital, in 10,000 yuan (万元)' },
        ),
      ),
  })
  .strict();

const form = z
  .object({
    company: z
      .object({
        name: z
          .string()
          .min(1)
          .max(100)
          .meta(
            label(
              { zh: '企业名称', en: 'Company name' },
              {
                zh: '已申报的名称，如：杭州某某科技有限公司',
                en: 'the name as reserved, e.g. 杭州某某科技有限公司',
              },
            ),
          ),
        address: z
          .string()
          .min(1)
          .max(200)
          .meta(label({ zh: '住所', en: 'Registered address' })),
        businessScope: z
          .string()
          .min(1)
          .max(2000)
          .meta(label({ zh: '经营范围', en: 'Business scope' })),
        registeredCapitalTenThousandYuan: z
          .number()
          .positive()
          .meta(
            label(
              { zh: '注册资本（万元）', en: 'Registered capital (10,000 yuan)' },
              { zh: '单位万元', en: 'in 10,000 yuan (万元)' },
            ),
          ),
        shareholders: z
          .array(shareholder)
          .min(1)
          .max(50)
          .meta(label({ zh: '股东', en: 'Shareholders' })),
      })
      .strict()
      .meta(label({ zh: '企业', en: 'Company' })),
    legalRepresentative: z
      .object(labelledPerson)
      .strict()
      .meta(label({ zh: '法定代表人', en: 'Legal representative' })),
    seals: z
      .array(
        z.enum(['official', 'financial', 'invoice', 'contract', 'legal-representative']).meta(
          options({
            official: { zh: '公章', en: 'Official seal' },
            financial: { zh: '财务专用章', en: 'Financial seal' },
            invoice: { zh: '发票专用章', en: 'Invoice seal' },
            contract: { zh: '合同专用章', en: 'Contract seal' },
            'legal-representative': { zh: '法定代表人名章', en: "Legal representative's seal" },
          }),
        ),
      )
      .min(1)
      .meta(
        label(
          { zh: '刻制印章', en: 'Seals to engrave' },
          { zh: '至少包括公章', en: 'the seals to engrave; the official seal at least' },
        ),
      ),
    taxpayerType: z.enum(['small-scale', 'general']).meta({
      ...label({ zh: '纳税人类型', en: 'Taxpayer type' }),
      ...options({
        'small-scale': { zh: '小规模纳税人', en: 'Small-scale taxpayer' },
        general: { zh: '一般纳税人', en: 'General taxpayer' },
      }),
    }),
    employeeCount: z
      .number()
      .int()
      .min(0)
      .meta(
        label(
          { zh: '参保职工人数', en: 'Number of employees' },
          { zh: '需参加社保的职工人数', en: 'employees to insure' },
        ),
      ),
    housingFundDepositRatePercent: z
      .number()
      .int()
      .min(5)
      .max(12)
      .meta(
        label(
          { zh: '公积金缴存比例（%）', en: 'Housing fund deposit rate (%)' },
          {
            zh: '单位和职工的缴存比例，5% 至 12%',
            en: "the employer's and employees' deposit rate, 5 to 12 per cent",
          },
        ),
      ),
    bankBranch: z
      .string()
      .min(1)
      .max(100)
      .meta(
        label(
          { zh: '开户银行网点', en: 'Bank branch' },
          {
            zh: '为企业开立基本存款账户的合作银行网点',
            en: 'the branch of the partner bank that opens the account',
          },
        ),
      ),
    addressProof: materialId.optional().meta(
      label(
        { zh: '住所证明', en: 'Proof of the registered address' },
        {
          zh: '住所证明（租赁合同、产权证明）的扫描件：POST /v1/materials 返回的材料编号',
          en: 'a scan of the proof of the registered address (lease, title deed): a material id from POST /v1/materials',
        },
      ),
    ),
  })
  .strict();

const company = {
  unifiedSocialCreditCode: 'steps.registration.unifiedSocialCreditCode',
  companyName: 'form.company.name',
};

/**
 * 企业开办一件事: registration issues the unified social credit code every other item needs; they
 * run in parallel, the bank account after the seal. Step limits are assumed so that the chain
 * fits the promised working day (Shenzhen: registration half a day, the rest within another half).
 */
export const businessStartup: BundleDefinition = {
  id: 'business-startup',
  version: 1,
  title: { zh: '企业开办一件事', en: 'Business start-up' },
  description: {
    zh: '设立登记、印章刻制、涉税信息确认和发票申领、社保登记、医保登记、公积金缴存登记、银行开户一次办',
    en: 'Company registration, seals, tax and invoices, social and medical insurance, housing fund and bank account in one application',
  },
  leadDepartment: 'market-regulation',
  promisedWorkingDays: 1,
  retentionDays: defaultRetentionDays,
  applicant,
  form,
  steps: [
    step({
      id: 'registration',
      title: { zh: '设立登记', en: 'Formation registration' },
      department: 'market-regulation',
      service: 'formation-registration',
      input: {
        companyName: 'form.company.name',
        address: 'form.company.address',
        businessScope: 'form.company.businessScope',
        registeredCapitalTenThousandYuan: 'form.company.registeredCapitalTenThousandYuan',
        shareholders: 'form.company.shareholders',
        legalRepresentativeName: 'form.legalRepresentative.name',
        legalRepresentativeIdNumber: 'form.legalRepresentative.idNumber',
        addressProof: 'form.addressProof',
      },
      timeLimitWorkingDays: 0,
    }),
    step({
      id: 'seal',
      title: { zh: '印章刻制', en: 'Seal engraving and filing' },
      department: 'police',
      service: 'seal-filing',
      after: ['registration'],
      input: {
        ...company,
        legalRepresentativeName: 'form.legalRepresentative.name',
        sealTypes: 'form.seals',
        businessLicence: 'steps.registration.businessLicence',
      },
      timeLimitWorkingDays: 0, // assumed: within the promised day, before the bank account
    }),
    step({
      id: 'tax',
      title: { zh: '涉税信息确认、发票申领', en: 'Tax information and invoices' },
      department: 'tax',
      service: 'invoice-registration',
      after: ['registration'],
      input: {
        ...company,
        taxpayerType: 'form.taxpayerType',
        legalRepresentativeIdNumber: 'form.legalRepresentative.idNumber',
      },
      timeLimitWorkingDays: 0, // assumed
    }),
    step({
      id: 'socialInsurance',
      title: { zh: '社保登记', en: 'Employer social insurance registration' },
      department: 'hr-social-security',
      service: 'employer-registration',
      after: ['registration'],
      input: { ...company, employeeCount: 'form.employeeCount' },
      timeLimitWorkingDays: 0, // assumed
    }),
    step({
      id: 'medicalInsurance',
      title: { zh: '医保登记', en: 'Employer medical insurance registration' },
      department: 'medical-insurance',
      service: 'employer-registration',
      after: ['registration'],
      input: { ...company, employeeCount: 'form.employeeCount' },
      timeLimitWorkingDays: 0, // assumed
    }),
    step({
      id: 'housingFund',
      title: { zh: '公积金缴存登记', en: 'Housing fund deposit registration' },
      department: 'provident-fund',
      service: 'deposit-registration',
      after: ['registration'],
      input: {
        ...company,
        depositRatePercent: 'form.housingFundDepositRatePercent',
        employeeCount: 'form.employeeCount',
      },
      timeLimitWorkingDays: 0, // assumed
    }),
    step({
      id: 'bankAccount',
      title: { zh: '银行开户', en: 'Bank account opening' },
      department: 'bank',
      service: 'account-opening',
      after: ['registration', 'seal'],
      input: {
        ...company,
        sealRecordNumber: 'steps.seal.sealRecordNumber',
        legalRepresentativeName: 'form.legalRepresentative.name',
        legalRepresentativeIdNumber: 'form.legalRepresentative.idNumber',
        legalRepresentativePhone: 'form.legalRepresentative.phone',
        branchName: 'form.bankBranch',
      },
      timeLimitWorkingDays: 1, // assumed: a clerk reviews; the promised day at the latest
    }),
  ],
  example: {
    bundleId: 'business-startup',
    applicant: {
      name: '陈伟',
      idNumber: '330106198909230016',
      phone: '13800138002',
      role: 'legal-representative',
    },
    form: {
      company: {
        name: '杭州云窗科技有限公司',
        address: '浙江省杭州市西湖区文三路 200 号 5 层',
        businessScope: '软件开发；信息技术咨询服务',
        registeredCapitalTenThousandYuan: 100,
        shareholders: [
          { name: '陈伟', idNumber: '330106198909230016', contributionTenThousandYuan: 60 },
          { name: '刘芳', idNumber: '330106198806050020', contributionTenThousandYuan: 40 },
        ],
      },
      legalRepresentative: { name: '陈伟', idNumber: '330106198909230016', phone: '13800138002' },
      seals: ['official', 'financial', 'invoice'],
      taxpayerType: 'small-scale',
      employeeCount: 8,
      housingFundDepositRatePercent: 12,
      bankBranch: '杭州文三路支行',
    },
  },
};
