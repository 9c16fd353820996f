import type { DepartmentDefinition, ServiceDefinition } from '../definition.js';
import { bank } from './bank.js';
import { cdc } from './cdc.js';
import { civilAffairs } from './civil-affairs.js';
import { health } from './health.js';
import { hrSocialSecurity } from './hr-social-security.js';
import { marketRegulation } from './market-regulation.js';
import { medicalInsurance } from './medical-insurance.js';
import { police } from './police.js';
import { providentFund } from './provident-fund.js';
import { publicPayment } from './public-payment.js';
import { tax } from './tax.js';
import { trafficPolice } from './traffic-police.js';
import { transport } from './transport.js';
import { vehicleOffice } from './vehicle-office.js';

/** Every department Onething knows, by id. */
export const departments: Record<string, DepartmentDefinition> = Object.fromEntries(
  [
    health,
    cdc,
    police,
    medicalInsurance,
    tax,
    hrSocialSecurity,
    civilAffairs,
    trafficPolice,
    providentFund,
    marketRegulation,
    bank,
    vehicleOffice,
    transport,
    publicPayment,
  ].map((d) => [d.id, d]),
);

/** The service a step names, or undefined when the catalogue has no such service. */
export function findService(department: string, service: string): ServiceDefinition | undefined {
  return departments[department]?.services[service];
}
