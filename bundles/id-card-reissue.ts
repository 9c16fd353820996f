import { z } from 'zod';
import { issuedNumber, label, labelledPerson } from '../schemas/fields.js';
import { defaultRetentionDays } from '../schemas/retention.js';
import type { BundleDefinition } from './definition.js';
import { feePaymentStep } from './fee-payment.js';
import { step } from './step.js';
import { mailingAddress, residentialAddress, videoVerificationStep } from './cloud-window.js';

const applicant = z.object(labelledPerson).strict();

const form = z
  .object({
    address: residentialAddress({
      zh: '由民警在视频核验中确认',
      en: 'confirmed by the officer in the video session',
    }),
    mailingAddress: mailingAddress({
      zh: '新证件的邮寄地址，凭短信取件码领取',
      en: 'where the new card is mailed; it is collected with the SMS pickup code',
    }),
    photoReceiptNumber: issuedNumber
      .regex(/^[A-Za-z0-9-]+$/, { message: 'letters, digits and -' })
      .optional()
      .meta(
        label(
          { zh: '数码相片回执号', en: 'Digital photo receipt number' },
          {
            zh: '仅当存档相片和指纹已满两年时填写：在认证照相馆拍摄新相片的回执号',
            en: 'only when the photo and fingerprints on file are more than two years old: the receipt of a new photo taken at a certified studio',
          },
        ),
      ),
  })
  .strict();

/**
 * 居民身份证补领 (cloud window): the applicant pays the fee online, an officer of the household
 * administration verifies them by video (liveness against the ID photo on file, contact details,
 * address), and the police station reissues the card and mails it. The lost card is invalidated
 * by the reissue itself.
 */
export const idCardReissue: BundleDefinition = {
  id: 'id-card-reissue',
  version: 1,
  title: { zh: '居民身份证补领', en: 'Resident ID card reissue' },
  description: {
    zh: '网上缴纳工本费，云窗口视频核验后补领居民身份证，新证邮寄到家、凭短信取件码签收',
    en: 'Pay the fee online and, after a video verification, get a lost ID card reissued and mailed home (collected with an SMS pickup code)',
  },
  leadDepartment: 'police',
  // Statutory limit 60 days; Zhejiang promises under 10 working days.
  promisedWorkingDays: 10,
  retentionDays: defaultRetentionDays,
  applicant,
  form,
  steps: [
    feePaymentStep('id-card-fee'),
    videoVerificationStep({
      department: 'police',
      input: {
        name: 'applicant.name',
        idNumber: 'applicant.idNumber',
        phone: 'applicant.phone',
        address: 'form.address',
        paymentNumber: 'steps.feePayment.paymentNumber',
      },
    }),
    step({
      id: 'idCardReissue',
      title: { zh: '补领居民身份证', en: 'ID card reissue' },
      department: 'police',
      service: 'id-card-reissue',
      after: ['videoVerification'],
      input: {
        name: 'applicant.name',
        idNumber: 'applicant.idNumber',
        verificationNumber: 'steps.videoVerification.verificationNumber',
        verification: 'steps.videoVerification.verification',
        paymentNumber: 'steps.feePayment.paymentNumber',
        photoReceiptNumber: 'form.photoReceiptNumber',
        mailingAddress: 'form.mailingAddress',
        recipientPhone: 'applicant.phone',
      },
      // Card production and mailing included (assumed): the Zhejiang promise.
      timeLimitWorkingDays: 10,
    }),
  ],
  example: {
    bundleId: 'id-card-reissue',
    applicant: { name: '周明', idNumber: '330106198804170037', phone: '13800138008' },
    // The lost card was issued in 2016: the photo on file is too old, so a new one was taken.
    form: {
      address: '浙江省杭州市西湖区天目山路 176 号 5 幢 402',
      mailingAddress: '浙江省杭州市西湖区天目山路 176 号 5 幢 402',
      photoReceiptNumber: 'ZP330100-20261105-0088',
    },
  },
};
