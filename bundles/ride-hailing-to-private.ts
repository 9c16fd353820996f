import { z } from 'zod';
import { plateNumber } from '../departments/catalog/vehicle-office.js';
import { issuedNumber, label, labelledPerson } from '../schemas/fields.js';
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
    permitNumber: issuedNumber.meta(
      label(
        { zh: '网络预约出租汽车运输证号', en: 'Ride-hailing vehicle permit number' },
        {
          zh: '车辆的网约车运输证号，将由交通运输部门注销',
          en: '网络预约出租汽车运输证号, the ride-hailing vehicle permit',
        },
      ),
    ),
    address: residentialAddress({
      zh: '视频核验时由民警确认',
      en: 'residential address, confirmed in the video session',
    }),
    mailingAddress: mailingAddress({
      zh: '新行驶证的邮寄地址',
      en: 'where the new vehicle licence is mailed',
    }),
  })
  .strict();

/**
 * 网约车变更使用性质 (预约出租转非营运, cloud window): the licence fee paid online → video
 * verification → the transport department cancels the ride-hailing permit (data shared, no
 * paper) → the office changes the use to private, endorses the certificate and mails a new
 * vehicle licence.
 */
export const rideHailingToPrivate: BundleDefinition = {
  id: 'ride-hailing-to-private',
  // 2: the fee is paid online before the video verification.
  version: 2,
  title: { zh: '网约车变更为非营运', en: 'Ride-hailing car to private use' },
  description: {
    zh: '云窗口视频核验，注销网络预约出租汽车运输证，变更使用性质，换发行驶证',
    en: 'Video verification, cancellation of the ride-hailing permit, change of use to private and a new vehicle licence',
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
      id: 'permitCancellation',
      title: { zh: '网约车运输证注销', en: 'Ride-hailing permit cancellation' },
      department: 'transport',
      service: 'ride-hailing-permit-cancellation',
      after: ['videoVerification'],
      input: {
        plateNumber: 'form.plateNumber',
        ownerIdNumber: 'applicant.idNumber',
        permitNumber: 'form.permitNumber',
      },
      timeLimitWorkingDays: 0, // assumed: automatic, within the promised day
    }),
    step({
      id: 'useNatureChange',
      title: { zh: '变更使用性质', en: 'Change of use' },
      department: 'vehicle-office',
      service: 'use-nature-change',
      after: ['videoVerification', 'permitCancellation'],
      input: {
        plateNumber: 'form.plateNumber',
        ownerIdNumber: 'applicant.idNumber',
        verificationNumber: 'steps.videoVerification.verificationNumber',
        verification: 'steps.videoVerification.verification',
        permitCancellationNumber: 'steps.permitCancellation.cancellationNumber',
        mailingAddress: 'form.mailingAddress',
        recipientPhone: 'applicant.phone',
      },
      timeLimitWorkingDays: 1,
    }),
  ],
  example: {
    bundleId: 'ride-hailing-to-private',
    applicant: { name: '赵磊', idNumber: '330106199104030011', phone: '13800138005' },
    form: {
      plateNumber: '浙AD82345',
      permitNumber: '浙杭网约 330100012345',
      address: '浙江省杭州市拱墅区湖墅南路 88 号',
      mailingAddress: '浙江省杭州市拱墅区湖墅南路 88 号 3 幢 502',
    },
  },
};
