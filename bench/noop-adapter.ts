import type { DepartmentAdapter, DepartmentAdapters } from '../departments/adapter.js';
import { departments, findService } from '../departments/catalog/index.js';
import { issueOutputs } from '../departments/simulator/issuers.js';

/**
 * Every department answers at once, in process, with the outputs the simulator would issue:
 * later steps get the numbers they map from earlier ones, and what is left to measure is the
 * engine itself (workflow, activities, read model) rather than HTTP or a department's latency.
 */
export function noopAdapters(): DepartmentAdapters {
  const adapter: DepartmentAdapter = {
    async submit(call) {
      const service = findService(call.department, call.service);
      if (!service) throw new Error(`no service ${call.department}/${call.service} in the catalogue`);
      return { outputs: issueOutputs(call, service, call.input) };
    },
  };
  return new Map(Object.keys(departments).map((id) => [id, adapter]));
}
