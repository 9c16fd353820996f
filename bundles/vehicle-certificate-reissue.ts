import { z } from 'zod';
import { plateNumber } from '../departments/catalog/vehicle-office.js';
import { label, labelledPerson } from '../schemas/fields.js';
import type { BundleDefinition } from './definition.js';
import { feePaymentStep } from './fee-payment.js';
import { step } from './step.js';
import { mailingAddress, residentialAddress, videoVerificationStep } from './cloud-window.js';
import { defaultRetentionDays } from '../schemas/retention.js';

const applicant = z.object(labelledPerson).strict();

const form = z
  .object({
    plateNumber: plateNumber.meta(
      label({ zh: '号牌号码', en: 'Plate number' }, { zh: '如：浙A12345', en: 'e.g. 浙A12345' }),
    ),
    address: residentialAddress({
      zh: '视频核验时由民警确认',
      en: 'residential address, confirmed in the video session',
    }),
    mailingAddress: mailingAddress({ zh: '新登记证书的邮寄地址', en: 'where the new certificate is mailed' }),
  })
  .strict();

/**
 * 补领机动车登记证书 (cloud window): the owner pays the certificate fee online, the officer
 * verifies them by video and approves; the office invalidates the old certificate and mails the
 * new one.
 */
export const vehicleCertificateReissue: BundleDefinition = {
  id: 'vehicle-certificate-reissue',
  // 2: the fee is paid online before the video verification.
  version: 2,
  title: { zh: '补领机动车登记证书', en: 'Vehicle registration certificate reissue' },
  description: {
    zh: '云窗口视频核验后补领机动车登记证书，原证书作废，新证书邮寄到家',
    en: 'Reissue of the vehicle registration certificate after a video verification; the old one is invalidated and the new one mailed',
  },
  leadDepartment: 'vehicle-office',
  promisedWorkingDays: 1,
  retentionDays: defaultRetentionDays,
  applicant,
  form,
  steps: [
    feePaymentStep('vehicle-certificate-fee'),
    videoVerificationStep({
      department: 'vehicle-office',
      input: {
        name: 'applicant.name',
        idNumber: 'applicant.idNumber',
        phone: 'applicant.phone',
        address: 'form.address',
        plateNumber: 'form.plateNumber',
        paymentNumber: 'steps.feePayment.paymentNumber',
      },
    }),
    step({
      id: 'certificateReissue',
      title: { zh: '补领机动车登记证书', en: 'Registration certificate reissue' },
      department: 'vehicle-office',
      service: 'certificate-reissue',
      after: ['videoVerification'],
      input: {
        plateNumber: 'form.plateNumber',
        ownerIdNumber: 'applicant.idNumber',
        verificationNumber: 'steps.videoVerification.verificationNumber',
        verification: 'steps.videoVerification.verification',
        mailingAddress: 'form.mailingAddress',
        recipientPhone: 'applicant.phone',
      },
      timeLimitWorkingDays: 1,
    }),
  ],
  example: {
    bundleId: 'vehicle-certificate-reissue',
    applicant: { name: '王强', idNumber: '330106198502140019', phone: '13800138004' },
    form: {
      plateNumber: '浙A12345',
      address: '浙江省杭州市西湖区文三路 100 号 2 单元 301',
      mailingAddress: '浙江省杭州市西湖区文三路 100 号 2 单元 301',
    },
  },
};
