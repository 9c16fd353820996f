import { z } from 'zod';
import { citizenIdNumber, issuedNumber, personName, phoneNumber, label } from '../../schemas/fields.js';
import { verificationRecordSchema } from '../../schemas/work-list.js';
import { defineDepartment } from '../definition.js';
import { videoVerificationOutput, waybillNumber } from './cloud-window.js';

/**
 * A plate number as the applicant types it (号牌号码): province character, issuing-office
 * letter and five characters, six for a new-energy plate, e.g. 浙A12345 or 浙AD12345.
 */
export const plateNumber = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[\u4e00-\u9fa5][A-Z][A-HJ-NP-Z0-9]{5,6}$/, { message: 'a plate number such as 浙A12345' });

// What the office receives: the bundle's form already checked the plate's format.
const plate = z.string().min(1).max(16);
const address = z.string().min(1).max(200);
const vehicleLicenceNumber = issuedNumber.meta(label({ zh: '行驶证编号', en: 'Vehicle licence number' }));
/**
 * The officer's record of the video verification the office acts on. Optional: a deployment
 * whose own system verifies (a `department` decider) may have none to send.
 */
const verification = verificationRecordSchema.optional();

/** Vehicle administration office (车管所) of the traffic police, serving through the cloud window. */
export const vehicleOffice = defineDepartment(
  'vehicle-office',
  { zh: '公安交管车辆管理所', en: 'Vehicle Administration Office' },
  [
    {
      id: 'video-verification',
      title: { zh: '视频核验', en: 'Video verification' },
      // One person per session: liveness check against the ID photo, questions on contact details
      // and address, and a check of the vehicle (violations, seizure or mortgage, theft report).
      input: z.object({
        name: personName,
        idNumber: citizenIdNumber,
        phone: phoneNumber,
        address,
        plateNumber: plate,
        // The fee paid online before the officer connects; absent for applications started
        // before the fee step (bundle version 1).
        paymentNumber: issuedNumber.optional(),
      }),
      verifies: ['identity', 'contact', 'address', 'vehicle'],
      output: videoVerificationOutput,
    },
    {
      id: 'certificate-reissue',
      title: { zh: '补领机动车登记证书', en: 'Vehicle registration certificate reissue' },
      input: z.object({
        plateNumber: plate,
        ownerIdNumber: citizenIdNumber,
        verificationNumber: issuedNumber,
        verification,
        mailingAddress: address,
        recipientPhone: phoneNumber,
      }),
      output: z.object({
        certificateNumber: issuedNumber.meta(
          label({ zh: '机动车登记证书编号', en: 'Vehicle registration certificate number' }),
        ),
        waybillNumber,
      }),
    },
    {
      id: 'use-nature-change',
      title: { zh: '变更使用性质', en: 'Change of vehicle use' },
      input: z.object({
        plateNumber: plate,
        ownerIdNumber: citizenIdNumber,
        verificationNumber: issuedNumber,
        verification,
        permitCancellationNumber: issuedNumber,
        mailingAddress: address,
        recipientPhone: phoneNumber,
      }),
      output: z.object({
        endorsementNumber: issuedNumber.meta(label({ zh: '变更签注编号', en: 'Endorsement number' })),
        vehicleLicenceNumber,
      }),
    },
    {
      id: 'owner-change',
      title: { zh: '夫妻共有机动车变更登记', en: "Change of owner between spouses' co-owned vehicle" },
      input: z.object({
        plateNumber: plate,
        ownerIdNumber: citizenIdNumber,
        ownerVerificationNumber: issuedNumber,
        ownerVerification: verification,
        newOwnerName: personName,
        newOwnerIdNumber: citizenIdNumber,
        newOwnerVerificationNumber: issuedNumber,
        newOwnerVerification: verification,
        marriageCertificateNumber: issuedNumber,
        mailingAddress: address,
        recipientPhone: phoneNumber,
      }),
      output: z.object({
        registrationNumber: issuedNumber.meta(
          label({ zh: '变更登记编号', en: 'Change registration number' }),
        ),
        vehicleLicenceNumber,
      }),
    },
  ],
);
