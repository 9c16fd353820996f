import { z } from 'zod';
import { label } from '../schemas/fields.js';
import type { StepDefinition, Title } from '../schemas/bundle.js';
import { step } from './step.js';

// What the cloud-window items (云窗口: an officer verifies the applicant on video, then the item
// is decided without a visit) have in common: the addresses they ask for and the verification.

const address = (title: Title, hint: Title) => z.string().min(1).max(200).meta(label(title, hint));

/** The residential address the officer confirms in the video session; `hint` says whose. */
export const residentialAddress = (hint: Title) =>
  address({ zh: '居住地址', en: 'Residential address' }, hint);

/** Where the item's result (a card, a licence, a certificate) is mailed; `hint` says which. */
export const mailingAddress = (hint: Title) => address({ zh: '邮寄地址', en: 'Mailing address' }, hint);

/**
 * An officer of `department` verifies a person on video from Onething's work list, once the fee
 * is paid (the verification sees the payment number). `input` names who is verified and what is
 * checked; `id` and `title` tell two verifications of one application apart.
 */
export function videoVerificationStep(options: {
  department: string;
  input: Record<string, string>;
  id?: string;
  title?: Title;
}): StepDefinition {
  return step({
    id: options.id ?? 'videoVerification',
    title: options.title ?? { zh: '视频核验', en: 'Video verification' },
    department: options.department,
    service: 'video-verification',
    decidedBy: 'worklist',
    taskKind: 'video-verification',
    after: ['feePayment'],
    input: options.input,
    timeLimitWorkingDays: 0, // assumed: one online session
  });
}
