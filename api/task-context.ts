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

// Rendered once per bundle: the labels a portal shows (`label()` in schemas/fields.ts) are in it.
const renderedForms = new WeakMap<BundleDefinition, { form: JsonSchema; applicant: JsonSchema }>();

function formsOf(bundle: BundleDefinition) {
  let forms = renderedForms.get(bundle);
  if (!forms) {
    const render = (schema: z.ZodType) =>
      z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    forms = { form: render(bundle.form), applicant: render(bundle.applicant) };
    renderedForms.set(bundle, forms);
  }
  return forms;
}

/** The label of the field a source names (`form.a.b`, `applicant.name`); none for a step's output. */
function titleOfSource(bundle: BundleDefinition, source: string): Bilingual | undefined {
  // `a ?? b`: the first names what the field is; the others are alternatives for the same thing.
  const [root, ...path] = (source.split(' ?? ')[0] ?? '').split('.');
  const forms = formsOf(bundle);
  let schema: JsonSchema | undefined =
    root === 'form' ? forms.form : root === 'applicant' ? forms.applicant : undefined;
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
