import { z } from 'zod';
import { plateNumber } from '../departments/catalog/vehicle-office.js';
import { issuedNumber, label, labelledPerson } from '../schemas/fields.js';
import type { BundleDefinition } from './definition.js';
import { feePaymentStep } from './fee-payment.js';
import { step } from './step.js';
import { mailingAddress, residentialAddress, videoVerificationStep } from './cloud-window.js';
import { defaultRetentionDays } from '../schemas/retention.js';

/** The registered owner, who applies. */
const applicant = z.object(labelledPerson).strict();

const form = z
  .object({
    plateNumber: plateNumber.meta(
      label({ zh: '号牌号码', en: 'Plate number' }, { zh: '如：浙A12345', en: 'e.g. 浙A12345' }),
    ),
    spouse: z
      .object(labelledPerson)
      .strict()
      .meta(
        label(
          { zh: '配偶（变更后的所有人）', en: 'Spouse (the new owner)' },
          { zh: '变更为机动车所有人的配偶', en: 'the spouse who becomes the owner' },
        ),
      ),
    marriageCertificateNumber: issuedNumber.meta(
      label(
        { zh: '结婚证字号', en: 'Marriage certificate number' },
        { zh: '结婚证（电子证照）字号', en: 'marriage e-certificate (结婚证) number' },
      ),
    ),
    address: residentialAddress({
      zh: '夫妻双方的住址，视频核验时确认',
      en: "the couple's address, confirmed in the video sessions",
    }),
    mailingAddress: mailingAddress({
      zh: '新行驶证的邮寄地址',
      en: 'where the new vehicle licence is mailed',
    }),
  })
  .strict();

/**
 * 辖区内夫妻共有机动车变更登记 (不选号, cloud window): the owner pays the licence fee online, both
 * spouses are verified, then the office changes the owner, keeps the plate and mails a new
 * vehicle licence.
 *
 * Two verification steps rather than one service taking both: the liveness check is one per person
 * and transaction, each spouse joins the session from their own phone (possibly at different
 * times), each session has its own recording, and a failed check then names the person who must
 * try again. They run in parallel; the change waits for both.
 */
export const coOwnedVehicleChange: BundleDefinition = {
  id: 'co-owned-vehicle-change',
  // 2: the owner pays the fee online before the video verifications.
  version: 2,
  title: { zh: '夫妻共有机动车变更登记', en: "Spouses' co-owned vehicle owner change" },
  description: {
    zh: '夫妻双方云窗口视频核验后，辖区内变更机动车所有人，不换号牌，换发行驶证',
    en: 'After both spouses are verified by video, the owner changes to the other spouse, same plate, new vehicle licence',
  },
  leadDepartment: 'vehicle-office',
  promisedWorkingDays: 1,
  retentionDays: defaultRetentionDays,
  applicant,
  form,
  steps: [
    feePaymentStep('vehicle-licence-fee'),
    videoVerificationStep({
      department: 'vehicle-office',
      id: 'videoVerification',
      title: { zh: '视频核验（登记所有人）', en: 'Video verification of the owner' },
      input: {
        name: 'applicant.name',
        idNumber: 'applicant.idNumber',
        phone: 'applicant.phone',
        address: 'form.address',
        plateNumber: 'form.plateNumber',
        paymentNumber: 'steps.feePayment.paymentNumber',
      },
    }),
    videoVerificationStep({
      department: 'vehicle-office',
      id: 'spouseVideoVerification',
      title: { zh: '视频核验（配偶）', en: 'Video verification of the spouse' },
      input: {
        name: 'form.spouse.name',
        idNumber: 'form.spouse.idNumber',
        phone: 'form.spouse.phone',
        address: 'form.address',
        plateNumber: 'form.plateNumber',
        paymentNumber: 'steps.feePayment.paymentNumber',
      },
    }),
    step({
      id: 'ownerChange',
      title: { zh: '机动车所有人变更登记', en: 'Change of owner' },
      department: 'vehicle-office',
      service: 'owner-change',
      after: ['videoVerification', 'spouseVideoVerification'],
      // A change of ownership on someone else's verification: never the same officer's alone.
      separateFrom: ['videoVerification', 'spouseVideoVerification'],
      input: {
        plateNumber: 'form.plateNumber',
        ownerIdNumber: 'applicant.idNumber',
        ownerVerificationNumber: 'steps.videoVerification.verificationNumber',
        ownerVerification: 'steps.videoVerification.verification',
        newOwnerName: 'form.spouse.name',
        newOwnerIdNumber: 'form.spouse.idNumber',
        newOwnerVerificationNumber: 'steps.spouseVideoVerification.verificationNumber',
        newOwnerVerification: 'steps.spouseVideoVerification.verification',
        marriageCertificateNumber: 'form.marriageCertificateNumber',
        mailingAddress: 'form.mailingAddress',
        recipientPhone: 'applicant.phone',
      },
      timeLimitWorkingDays: 1,
    }),
  ],
  example: {
    bundleId: 'co-owned-vehicle-change',
    applicant: { name: '孙浩', idNumber: '330106198502140019', phone: '13800138006' },
    form: {
      plateNumber: '浙A6K789',
      spouse: { name: '林静', idNumber: '33010619870720002X', phone: '13800138007' },
      marriageCertificateNumber: 'J330106-2012-003318',
      address: '浙江省杭州市滨江区江南大道 300 号 1 幢 1201',
      mailingAddress: '浙江省杭州市滨江区江南大道 300 号 1 幢 1201',
    },
  },
};
