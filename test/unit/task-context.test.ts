import { describe, expect, it } from 'vitest';
import { taskContextOf } from '../../api/task-context.js';
import { allBundles, bundleCatalog } from '../../bundles/index.js';
import type { ApplicationRow } from '../../db/applications.js';

/** The context of the task of a bundle's step, its application found in the read model. */
function contextOf(bundleId: string, stepId: string) {
  const step = bundleCatalog.get(bundleId)?.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`no step ${bundleId}/${stepId}`);
  const application = { bundle_id: bundleId, bundle_version: 1 } as ApplicationRow;
  return taskContextOf(
    bundleCatalog,
    { step_id: stepId, department: step.department, service: step.service, kind: 'review' },
    { application, steps: [] },
  );
}

describe("a task's input labels (inputTitles)", () => {
  it('labels a field from the form by the form, and one from an earlier step by its service output', () => {
    const { inputTitles } = contextOf('vehicle-certificate-reissue', 'videoVerification');
    expect(inputTitles).toMatchObject({
      name: { zh: '姓名', en: 'Name' },
      plateNumber: { zh: '号牌号码', en: 'Plate number' },
      // steps.feePayment.paymentNumber: the public payment platform's fee item.
      paymentNumber: { zh: '缴费单号', en: 'Payment number' },
    });
  });

  it("labels an earlier step's record (an object) by the record's own label", () => {
    const { inputTitles } = contextOf('vehicle-certificate-reissue', 'certificateReissue');
    expect(inputTitles).toMatchObject({
      verificationNumber: { zh: '视频核验编号', en: 'Verification number' },
      verification: { zh: '视频核验记录', en: 'Video verification record' },
    });
  });

  it('labels `a ?? b` by the first source: the hospital’s certificate, else the police’s', () => {
    const { inputTitles } = contextOf('after-death', 'cremation');
    expect(inputTitles['deathCertificateNumber']).toEqual({
      zh: '死亡医学证明编号',
      en: 'Death medical certificate number',
    });
  });

  const steps = allBundles.flatMap((bundle) =>
    bundle.steps.map((step) => ({ name: `${bundle.id}.${step.id}`, bundle: bundle.id, step })),
  );
  it.each(steps)('$name: labels every input field the department receives', ({ bundle, step }) => {
    const { inputTitles } = contextOf(bundle, step.id);
    expect(Object.keys(inputTitles).sort()).toEqual(Object.keys(step.input).sort());
  });

  it('labels nothing for a task whose application is not in the read model', () => {
    const context = taskContextOf(
      bundleCatalog,
      {
        step_id: 'videoVerification',
        department: 'vehicle-office',
        service: 'video-verification',
        kind: 'review',
      },
      undefined,
    );
    expect(context.inputTitles).toEqual({});
  });
});
