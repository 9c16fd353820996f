import type { z } from 'zod';
import type { Title } from '../schemas/bundle.js';
import type { VerifiedFact } from '../schemas/work-list.js';

/** One service a department offers to bundles. */
export interface ServiceDefinition {
  id: string;
  title: Title;
  /** Every field the department may receive; a bundle can map no other. */
  input: z.ZodObject;
  /** What the department returns when it decides in the applicant's favour. */
  output: z.ZodObject;
  /** The department can undo a completed call (e.g. cancel an enrolment); used for compensation. */
  undo?: { title: Title };
  /**
   * For a cloud-window video verification: every fact an officer must have verified before
   * approving it (the work list refuses an approval without them).
   */
  verifies?: readonly VerifiedFact[];
}

/** A department (部门) and the services it offers. */
export interface DepartmentDefinition {
  id: string;
  title: Title;
  services: Record<string, ServiceDefinition>;
}

/** Declares a department, keeping service ids equal to their keys. */
export function defineDepartment(
  id: string,
  title: Title,
  services: ServiceDefinition[],
): DepartmentDefinition {
  return { id, title, services: Object.fromEntries(services.map((s) => [s.id, s])) };
}
