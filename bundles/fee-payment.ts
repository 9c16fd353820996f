import { findService } from '../departments/catalog/index.js';
import type { StepDefinition } from '../schemas/bundle.js';
import { step } from './step.js';

/**
 * The cloud-window items' first step: the applicant pays the item's fee online on the public
 * payment platform, before an officer's video time is spent on the case; the video check runs
 * after it and sees the payment number. A withdrawn or rejected application is refunded (the
 * service's undo).
 */
export function feePaymentStep(service: string): StepDefinition {
  const fee = findService('public-payment', service)?.title ?? { zh: service, en: service };
  return step({
    id: 'feePayment',
    title: { zh: `网上缴费：${fee.zh}`, en: `Online payment: ${fee.en.toLowerCase()}` },
    department: 'public-payment',
    service,
    input: {
      payerName: 'applicant.name',
      payerIdNumber: 'applicant.idNumber',
      payerPhone: 'applicant.phone',
    },
    timeLimitWorkingDays: 0, // assumed: paid in the same online session
  });
}
