import { z } from 'zod';

/** Where an application stands, as a portal shows it. */
export const applicationStatusSchema = z.enum([
  'running',
  'waiting',
  'completed',
  'partially_completed',
  'rejected',
  'withdrawn',
  'failed',
]);
export type ApplicationStatus = z.infer<typeof applicationStatusSchema>;

/** Where one step (事项) of an application stands. */
export const stepStatusSchema = z.enum([
  'pending',
  'running',
  'waiting',
  'completed',
  'rejected',
  'skipped',
  'compensated',
  'failed',
]);
export type StepStatus = z.infer<typeof stepStatusSchema>;

/** Statuses after which an application changes no more. */
export const finalApplicationStatuses: readonly ApplicationStatus[] = [
  'completed',
  'partially_completed',
  'rejected',
  'withdrawn',
  'failed',
];

/** Statuses after which a step changes no more (a compensated step was completed, then undone). */
export const finalStepStatuses: readonly StepStatus[] = [
  'completed',
  'rejected',
  'skipped',
  'compensated',
  'failed',
];
