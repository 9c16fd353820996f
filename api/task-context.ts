import { z } from 'zod';
import type { BundleDefinition } from '../bundles/definition.js';
import type { ApplicationRow, StepRow } from '../db/applications.js';
import type { TaskRow } from '../db/work-list.js';
import { findService } from '../departments/catalog/index.js';
import type { TaskDetail } from '../schemas/work-list.js';

/** What a task page shows about why the task exists, beyond the task row itself. */
export type TaskContext = Pick<TaskDetail, 'bundle' | 'stepTitle' | 'inputTitles' | 'verifies'>;

type Bilingual = { zh: string; en: string };
type JsonSchema = { properties?: Record<string, JsonSchema>; 'x-title'?: Bilingual };

const render = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

// Rendered once per bundle and per service output: the labels a portal or a decision form shows
// (`label()` in schemas/fields.ts) are in them.
const renderedForms = new WeakMap<BundleDefinition, { form: JsonSchema; applicant: JsonSchema }>();
const renderedOutputs = new WeakMap<z.ZodType, JsonSchema>();

function formsOf(bundle: BundleDefinition) {
  let forms = renderedForms.get(bundle);
  if (!forms) {
    forms = { form: render(bundle.form), applicant: render(bundle.applicant) };
    renderedForms.set(bundle, forms);
  }
  return forms;
}

/** The rendered outputs of the service an earlier step of the bundle calls (`steps.<stepId>`). */
function outputsOfStep(bundle: BundleDefinition, stepId: string | undefined): JsonSchema | undefined {
  const step = bundle.steps.find((s) => s.id === stepId);
  const output = step ? findService(step.department, step.service)?.output : undefined;
  if (!output) return undefined;
  let rendered = renderedOutputs.get(output);
  if (!rendered) {
    rendered = render(output);
    renderedOutputs.set(output, rendered);
  }
  return rendered;
}

/**
 * The label of the field a source names: a form field (`form.a.b`, `applicant.name`), or an
 * output of an earlier step's service (`steps.fee.paymentNumber`), as the catalogue labels it.
 */
function titleOfSource(bundle: BundleDefinition, source: string): Bilingual | undefined {
  // `a ?? b`: the first names what the field is; the others are alternatives for the same thing.
  const [root, ...path] = (source.split(' ?? ')[0] ?? '').split('.');
  let schema: JsonSchema | undefined;
  if (root === 'form') schema = formsOf(bundle).form;
  else if (root === 'applicant') schema = formsOf(bundle).applicant;
  else if (root === 'steps') schema = outputsOfStep(bundle, path.shift());
  for (const name of path) schema = schema?.properties?.[name];
  return schema?.['x-title'];
}

/**
 * The bundle, the step's title and the input fields' labels of a task, from its application and
 * the bundle definitions; and the facts its service has a video verification establish.
 */
export function taskContextOf(
  bundles: ReadonlyMap<string, BundleDefinition>,
  task: Pick<TaskRow, 'step_id' | 'department' | 'service' | 'kind'>,
  found: { application: ApplicationRow; steps: StepRow[] } | undefined,
): TaskContext {
  const definition = found ? bundles.get(found.application.bundle_id) : undefined;
  const planned = found?.steps.find((s) => s.step_id === task.step_id);
  const step = definition?.steps.find((s) => s.id === task.step_id);
  const inputTitles: Record<string, Bilingual> = {};
  if (definition && step) {
    for (const [field, source] of Object.entries(step.input)) {
      const title = titleOfSource(definition, source);
      if (title) inputTitles[field] = title;
    }
  }
  return {
    bundle: found
      ? {
          id: found.application.bundle_id,
          version: found.application.bundle_version,
          title: definition?.title ?? { zh: found.application.bundle_id, en: found.application.bundle_id },
        }
      : null,
    stepTitle: planned ? { zh: planned.title_zh, en: planned.title_en } : (step?.title ?? null),
    inputTitles,
    verifies:
      task.kind === 'video-verification'
        ? [...(findService(task.department, task.service)?.verifies ?? [])]
        : [],
  };
}
