import { z } from 'zod';
import { findService } from '../departments/catalog/index.js';
import type { BundleDefinition } from './definition.js';
import { bundlePlanSchema } from '../schemas/bundle.js';
import { durationMs } from '../schemas/durations.js';

/** One problem in a bundle definition, naming where it is. */
export interface DefinitionProblem {
  bundle: string;
  step?: string;
  field?: string;
  message: string;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  enum?: unknown[];
};

/** The node of an object JSON Schema at a dot path, if it has one. */
function nodeAt(schema: JsonSchema, path: string[]): JsonSchema | undefined {
  if (path.length === 0) return schema;
  const objectLike = schema.properties ? schema : schema.anyOf?.find((s) => s.properties);
  const [key = '', ...rest] = path;
  const child = objectLike?.properties?.[key];
  return child && nodeAt(child, rest);
}

/** Leaf paths of an object JSON Schema: `baby.name`, `optIns.maternityBenefit`, … */
function leafPaths(schema: JsonSchema, prefix = ''): string[] {
  const objectLike = schema.properties ? schema : schema.anyOf?.find((s) => s.properties);
  if (!objectLike?.properties) return prefix ? [prefix] : [];
  return Object.entries(objectLike.properties).flatMap(([key, child]) =>
    leafPaths(child, prefix ? `${prefix}.${key}` : key),
  );
}

/** True if the object schema declares the field itself (not something inherited, like `toString`). */
function declares(schema: z.ZodObject | undefined, field: string): boolean {
  return schema !== undefined && Object.hasOwn(schema.shape, field);
}

/**
 * Checks a bundle against the department catalogue: the graph, the services, and that every
 * value a department receives exists and was declared by that department (data minimisation).
 */
export function checkBundle(bundle: BundleDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const report = (message: string, step?: string, field?: string) =>
    problems.push({ bundle: bundle.id, ...(step ? { step } : {}), ...(field ? { field } : {}), message });

  const plan = bundlePlanSchema.safeParse({
    bundleId: bundle.id,
    version: bundle.version,
    steps: bundle.steps,
  });
  if (!plan.success) {
    for (const issue of plan.error.issues) report(`${issue.path.join('.')}: ${issue.message}`);
    return problems;
  }
  const formSchema = z.toJSONSchema(bundle.form, { io: 'input' }) as JsonSchema;
  const formPaths = new Set(leafPaths(formSchema));
  const applicantPaths = new Set(leafPaths(z.toJSONSchema(bundle.applicant, { io: 'input' }) as JsonSchema));
  const stepsById = new Map(bundle.steps.map((s) => [s.id, s]));
  const usedFormPaths = new Set<string>();

  const predecessors = (stepId: string, seen = new Set<string>()): Set<string> => {
    for (const before of stepsById.get(stepId)?.after ?? []) {
      if (seen.has(before)) continue;
      seen.add(before);
      predecessors(before, seen);
    }
    return seen;
  };

  const checkSource = (source: string, stepId: string, field: string) => {
    const alternatives = source.split(' ?? ');
    for (const alternative of alternatives) checkOneSource(alternative, stepId, field);
    checkAlternatives(alternatives, stepId, field);
  };

  /**
   * A step that applies to some applications only (`appliesWhen`) is read through ` ?? ` with the
   * steps that apply otherwise: one for each value of the same form field, so exactly one has it.
   */
  const checkAlternatives = (alternatives: string[], stepId: string, field: string) => {
    const fromSteps = alternatives.map((a) => stepsById.get(a.split('.')[1] ?? ''));
    const conditional = alternatives.filter((a, i) => a.startsWith('steps.') && fromSteps[i]?.appliesWhen);
    if (alternatives.length === 1) {
      if (conditional.length === 1)
        report(
          `maps ${alternatives[0]}, a step that applies only sometimes: add the steps that apply otherwise with ??`,
          stepId,
          field,
        );
      return;
    }
    const conditions = fromSteps.map((s) => s?.appliesWhen);
    const on = conditions[0]?.field;
    if (conditional.length !== alternatives.length || conditions.some((c) => c?.field !== on)) {
      report(
        `maps ${alternatives.join(' ?? ')}: each must be a step that applies on the same form field`,
        stepId,
        field,
      );
      return;
    }
    const values = conditions.map((c) => c?.equals);
    const choices = on?.startsWith('form.') ? nodeAt(formSchema, on.split('.').slice(1))?.enum : undefined;
    const exact =
      choices === undefined ||
      (choices.every((v) => values.includes(String(v))) &&
        values.every((v) => choices.map(String).includes(v ?? '')));
    if (new Set(values).size !== values.length || !exact) {
      report(
        `maps ${alternatives.join(' ?? ')}, but exactly one of them must apply for each value of ${on ?? ''}`,
        stepId,
        field,
      );
    }
  };

  const checkOneSource = (source: string, stepId: string, field: string) => {
    const [root, ...path] = source.split('.');
    if (root === 'form') {
      usedFormPaths.add(path.join('.'));
      if (!formPaths.has(path.join('.')))
        report(`maps ${source}, which the form does not have`, stepId, field);
    } else if (root === 'applicant') {
      if (!applicantPaths.has(path.join('.')))
        report(`maps ${source}, which the applicant does not have`, stepId, field);
    } else {
      const [fromStep = '', output = ''] = path;
      const from = stepsById.get(fromStep);
      if (!from || !predecessors(stepId).has(fromStep)) {
        report(`maps ${source}, but ${fromStep} is not a step that runs before it`, stepId, field);
      } else if (!declares(findService(from.department, from.service)?.output, output)) {
        report(`maps ${source}, which ${from.department}/${from.service} does not produce`, stepId, field);
      }
    }
  };

  if (stepsById.size !== bundle.steps.length) report('step ids are not unique');
  for (const step of bundle.steps) {
    for (const before of step.after) {
      if (!stepsById.has(before)) report(`runs after ${before}, which is not a step of the bundle`, step.id);
    }
    if (predecessors(step.id).has(step.id)) report('is part of a dependency cycle', step.id);
    for (const other of step.separateFrom ?? []) {
      if (!stepsById.has(other) || other === step.id)
        report(`is decided apart from ${other}, which is not another step of the bundle`, step.id);
    }
    // A budget shorter than one attempt would cut the first call short before the department answers.
    if (step.retry.budget !== undefined && durationMs(step.retry.budget) < durationMs(step.callTimeout)) {
      report(
        `retry.budget ${step.retry.budget} is shorter than callTimeout ${step.callTimeout}`,
        step.id,
        'retry.budget',
      );
    }
    const service = findService(step.department, step.service);
    if (!service) {
      report(
        `names ${step.department}/${step.service}, which the department catalogue does not have`,
        step.id,
      );
      continue;
    }
    for (const [field, source] of Object.entries(step.input)) {
      if (!declares(service.input, field)) {
        report(`maps ${field}, which ${step.department} did not declare (data minimisation)`, step.id, field);
      }
      checkSource(source, step.id, field);
    }
    const inputShape: Record<string, z.ZodType> = service.input.shape;
    for (const [field, schema] of Object.entries(inputShape)) {
      if (!(field in step.input) && !schema.safeParse(undefined).success) {
        report(`does not map ${field}, which ${step.department}/${step.service} requires`, step.id, field);
      }
    }
    if (step.optInField) checkSource(step.optInField, step.id, 'optInField');
    if (step.appliesWhen) {
      if (!step.appliesWhen.field.startsWith('form.') || step.appliesWhen.field.includes(' ?? '))
        report(`applies when ${step.appliesWhen.field}, which is not one form field`, step.id, 'appliesWhen');
      else checkSource(step.appliesWhen.field, step.id, 'appliesWhen');
    }
    const countedFrom = step.statutoryLimit?.from;
    if (countedFrom !== undefined && countedFrom !== 'submission') {
      const path = countedFrom.replace(/^form\./, '');
      if (!countedFrom.startsWith('form.') || !formPaths.has(path))
        report(
          `counts its statutory limit from ${countedFrom}, which is no form field`,
          step.id,
          'statutoryLimit',
        );
    }
  }
  for (const path of formPaths) {
    if (!usedFormPaths.has(path)) report(`form field ${path} is used by no step`, undefined, path);
  }
  if (!bundle.applicant.safeParse(bundle.example.applicant).success) report('example applicant is invalid');
  if (!bundle.form.safeParse(bundle.example.form).success) report('example form is invalid');
  if (bundle.example.bundleId !== bundle.id) report('example names another bundle');
  for (const other of bundle.otherExamples ?? []) {
    const where = `example ${other.id}`;
    if (!/^[a-z][a-z0-9-]*$/.test(other.id)) report(`${where}: the id is not kebab case`);
    if (!bundle.applicant.safeParse(other.request.applicant).success)
      report(`${where}: the applicant is invalid`);
    if (!bundle.form.safeParse(other.request.form).success) report(`${where}: the form is invalid`);
    if (other.request.bundleId !== bundle.id) report(`${where} names another bundle`);
  }
  return problems;
}

/** Human-readable, one line per problem. */
export function formatProblems(problems: DefinitionProblem[]): string {
  return problems
    .map(
      (p) =>
        `${p.bundle}${p.step ? ` step ${p.step}` : ''}${p.field ? ` field ${p.field}` : ''}: ${p.message}`,
    )
    .join('\n');
}
