import type { DepartmentDefinition, ServiceDefinition } from '../definition.js';
import { cdc } from './cdc.js';
import { health } from './health.js';
import { hrSocialSecurity } from './hr-social-security.js';
import { medicalInsurance } from './medical-insurance.js';
import { police } from './police.js';
import { tax } from './tax.js';

/** Every department Onething knows, by id. */
export const departments: Record<string, DepartmentDefinition> = Object.fromEntries(
  [health, cdc, police, medicalInsurance, tax, hrSocialSecurity].map((d) => [d.id, d]),
);

/** The service a step names, or undefined when the catalogue has no such service. */
export function findService(department: string, service: string): ServiceDefinition | undefined {
  return departments[department]?.services[service];
}
