import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { applicationViewSchema, bundleSummarySchema, problemSchema, stepViewSchema } from '../schemas/api.js';
import { titleSchema } from '../schemas/bundle.js';
import {
  appliedBulkFilterSchema,
  bulkActionKindSchema,
  bulkActionListSchema,
  bulkActionViewSchema,
  bulkFilterSchema,
  bulkItemSchema,
  bulkItemStateSchema,
} from '../schemas/bulk-actions.js';
import { consoleSessionSchema } from '../schemas/console-session.js';
import {
  auditListSchema,
  departmentStateSchema,
  opsApplicationSchema,
  opsListSchema,
  pendingCallSchema,
  stuckCodes,
  stuckCodeSchema,
  stuckReasonSchema,
} from '../schemas/ops.js';
import { bulkRepairActions, repairActions } from '../schemas/repair-actions.js';
import {
  applicationStatusSchema,
  finalApplicationStatuses,
  finalStepStatuses,
  stepStatusSchema,
} from '../schemas/status.js';
import { ratingViewSchema } from '../schemas/ratings.js';
import {
  taskDetailSchema,
  taskKindSchema,
  taskListSchema,
  taskQueueSchema,
  taskStatusSchema,
  taskSummarySchema,
} from '../schemas/work-list.js';
import { docComment, typeOf } from './json-schema-to-ts.js';
import type { JsonSchema } from './json-schema-to-ts.js';

// What the operators' console knows of the API, generated from the zod schemas: the console is
// plain browser JavaScript and cannot import them, and a hand-made copy drifts. `npm run
// console:types` writes the files; test/unit/console-contract.test.ts fails while they are stale.

/** A type the console reads, by the name its JSDoc uses, and what it is. */
interface Named {
  name: string;
  doc: string;
  schema: z.ZodType;
}

// The API's answers, as the console reads them (the schemas' output).
const answers: Named[] = [
  { name: 'Title', doc: 'A title in both languages.', schema: titleSchema },
  { name: 'ApplicationStatus', doc: 'Where an application stands.', schema: applicationStatusSchema },
  { name: 'StepStatus', doc: 'Where one step stands.', schema: stepStatusSchema },
  { name: 'StuckCode', doc: 'Why an application is stuck.', schema: stuckCodeSchema },
  { name: 'Problem', doc: 'An error answer (problem+json).', schema: problemSchema },
  { name: 'Session', doc: '`POST` and `GET /v1/console/session`.', schema: consoleSessionSchema },
  { name: 'StepView', doc: 'One step of an application.', schema: stepViewSchema },
  {
    name: 'ApplicationRating',
    doc: "The applicant's rating (好差评) and its follow-up.",
    schema: ratingViewSchema,
  },
  { name: 'ApplicationView', doc: 'An application as the read model has it.', schema: applicationViewSchema },
  { name: 'StuckReason', doc: 'Why an application is stuck at one step.', schema: stuckReasonSchema },
  { name: 'OpsList', doc: '`GET /v1/ops/applications`.', schema: opsListSchema },
  {
    name: 'TimelineEvent',
    doc: "One event of an application's timeline.",
    schema: opsApplicationSchema.shape.timeline.element,
  },
  { name: 'PendingCall', doc: 'A department call Temporal holds.', schema: pendingCallSchema },
  { name: 'TaskView', doc: 'A work-list task.', schema: taskSummarySchema },
  {
    name: 'TaskDetail',
    doc: '`GET /v1/tasks/:id`: a task with what it decides on, and why.',
    schema: taskDetailSchema,
  },
  { name: 'TaskList', doc: '`GET /v1/tasks`.', schema: taskListSchema },
  { name: 'OpsApplication', doc: '`GET /v1/ops/applications/:id`.', schema: opsApplicationSchema },
  { name: 'AuditList', doc: '`GET /v1/ops/audit`.', schema: auditListSchema },
  { name: 'BundleSummary', doc: 'A bundle as `GET /v1/bundles` lists it.', schema: bundleSummarySchema },
  { name: 'DepartmentState', doc: '`GET /v1/ops/departments`.', schema: departmentStateSchema },
  { name: 'BulkActionKind', doc: 'What a bulk action repairs.', schema: bulkActionKindSchema },
  { name: 'BulkItemState', doc: "Where one bulk action's item stands.", schema: bulkItemStateSchema },
  {
    name: 'AppliedBulkFilter',
    doc: 'The filter as the job applied it: defaults filled in, durations in milliseconds.',
    schema: appliedBulkFilterSchema,
  },
  { name: 'BulkItem', doc: 'One step a bulk action acts on.', schema: bulkItemSchema },
  { name: 'BulkAction', doc: '`GET /v1/ops/bulk-actions/:id`.', schema: bulkActionViewSchema },
  { name: 'BulkActionList', doc: '`GET /v1/ops/bulk-actions`.', schema: bulkActionListSchema },
];

// What the console sends (the schemas' input).
const requests: Named[] = [
  {
    name: 'BulkFilter',
    doc: "The filter `POST /v1/ops/bulk-actions` takes: the stuck list's.",
    schema: bulkFilterSchema,
  },
];

/** The declarations of `named`, converted from one JSON Schema document in which they refer to each other. */
function declarations(named: Named[], io: 'input' | 'output'): string[] {
  const registry = z.registry<{ id: string }>();
  for (const { name, schema } of named) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => `#/${id}` }) as {
    schemas: Record<string, JsonSchema>;
  };
  const names = new Set(named.map((n) => n.name));
  const refName = (ref: string) =>
    ref.startsWith('#/') && names.has(ref.slice(2)) ? ref.slice(2) : undefined;
  const refSchema = (ref: string) => {
    const target = refName(ref);
    return target === undefined ? undefined : schemas[target];
  };
  return named.map(({ name, doc }) => {
    const schema = schemas[name];
    if (!schema) throw new Error(`zod wrote no JSON Schema for ${name}`);
    const described = typeof schema.description === 'string' ? ` ${schema.description}` : '';
    return `${docComment(`${doc}${described}`)}export type ${name} = ${typeOf(schema, refName, {}, refSchema)};`;
  });
}

const literalUnion = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(' | ');

const header = (what: string) =>
  [
    `// Generated from the zod schemas by \`npm run console:types\` (scripts/console-contract.ts): do not`,
    `// edit. Change the schema, then run it again; test/unit/console-contract.test.ts fails while it is stale.`,
    `// ${what}`,
  ].join('\n');

function typesFile(): string {
  return [
    header("Types only, for checking the console's JavaScript: the browser never loads this file."),
    ...declarations(answers, 'output'),
    ...declarations(requests, 'input'),
    `${docComment('A repair of one step in progress (schemas/repair-actions.ts).')}export type RepairAction = ${literalUnion(repairActions)};`,
  ].join('\n\n');
}

/** A constant list of the console, typed by its generated type. */
const list = (name: string, doc: string, type: string, values: readonly string[]) =>
  `/**\n * ${doc}\n * @type {ReadonlyArray<import('./types').${type}>}\n */\nexport const ${name} = ${JSON.stringify(values)};`;

function contractFile(): string {
  return [
    header('The lists the console shows and checks against, as the API has them.'),
    list(
      'applicationStatuses',
      'Application statuses, as `GET /v1/ops/applications?status=` names them.',
      'ApplicationStatus',
      applicationStatusSchema.options,
    ),
    list(
      'finalApplicationStatuses',
      'Statuses after which an application changes no more.',
      'ApplicationStatus',
      finalApplicationStatuses,
    ),
    list(
      'finalStepStatuses',
      'Statuses after which a step changes no more.',
      'StepStatus',
      finalStepStatuses,
    ),
    list(
      'stuckCodes',
      'Why an application is stuck, as `GET /v1/ops/applications?stuck=` names it.',
      'StuckCode',
      stuckCodes,
    ),
    list('repairActions', 'The repairs of one step in progress.', 'RepairAction', repairActions),
    list('bulkRepairActions', 'The repairs a bulk action applies.', 'BulkActionKind', bulkRepairActions),
    list(
      'taskStatuses',
      'Where a work-list task stands, as `GET /v1/tasks?status=` names it.',
      "TaskView['status']",
      taskStatusSchema.options,
    ),
    list(
      'taskKinds',
      'What a person does with a task (`GET /v1/tasks?kind=`).',
      "TaskView['kind']",
      taskKindSchema.options,
    ),
    list(
      'taskQueues',
      'Whose queue of the department a task is in (`GET /v1/tasks?queue=`).',
      "TaskView['queue']",
      taskQueueSchema.options,
    ),
    list(
      'bulkItemStates',
      "Where a bulk action's item stands.",
      'BulkItemState',
      bulkItemStateSchema.options,
    ),
  ].join('\n\n');
}

/** The files the console gets, by path from the repository root, formatted as `npm run format` would. */
export async function consoleContractFiles(): Promise<Array<{ path: string; text: string }>> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const files = [
    { path: 'console/types.d.ts', text: typesFile() },
    { path: 'console/contract.js', text: contractFile() },
  ];
  return Promise.all(
    files.map(async ({ path, text }) => {
      const options = await resolveConfig(`${root}${path}`);
      return { path, text: await format(text, { ...options, filepath: `${root}${path}` }) };
    }),
  );
}
