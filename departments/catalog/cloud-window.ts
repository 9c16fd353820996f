import { z } from 'zod';
import { issuedNumber, label } from '../../schemas/fields.js';
import { verificationRecordSchema } from '../../schemas/work-list.js';

// What the cloud-window services of more than one department (the police's household
// administration, the vehicle office) return alike, labelled once for the clerks' forms.

/** What a cloud-window video verification returns when the officer approves it. */
export const videoVerificationOutput = z.object({
  verificationNumber: issuedNumber.meta(label({ zh: '视频核验编号', en: 'Verification number' })),
  recordingReference: issuedNumber.meta(
    label(
      { zh: '录像索引', en: 'Recording reference' },
      { zh: '视频平台中本次核验录像的索引', en: "the recording's reference in the video platform" },
    ),
  ),
  // Added by the work list from what the officer recorded, never typed in by them.
  verification: verificationRecordSchema.optional(),
});

/** The waybill of what a cloud-window service mails to the applicant (证件邮寄). */
export const waybillNumber = issuedNumber.meta(label({ zh: '邮寄运单号', en: 'Waybill number' }));
