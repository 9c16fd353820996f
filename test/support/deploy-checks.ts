import { configSchema, missingSettings } from '../../config.js';
import { healthPaths } from '../../health/paths.js';
import type { DockerfileStage, K8sObject, OnethingContainer, Probe } from './deploy-files.js';
import { argsOf, dockerfileEnv, execForm, podTemplateOf, roleOf, seconds, selects } from './deploy-files.js';

// Checks of the deployment files, each returning its problems in words (none: the file is
// right). The test feeds them the real files, and wrong ones to show that each can fail.

/**
 * Variables a deployment file may set for an Onething container besides the configuration's
 * (`configSchema`), each with why. Anything else is a typo or a setting nothing reads.
 */
export const nonOnethingVariables: Record<string, string> = {
  NPM_CONFIG_UPDATE_NOTIFIER:
    'npm starts the process (npm run api|worker); without it npm asks the registry for a newer npm at each start',
  NPM_CONFIG_CACHE: "npm's cache and logs on a writable directory when the root file system is read-only",
};

/** Variables a container sets that the configuration does not know (nor the list above). */
export function unknownVariables(names: Iterable<string>, where: string): string[] {
  const known = new Set([...Object.keys(configSchema.shape), ...Object.keys(nonOnethingVariables)]);
  return [...names].filter((name) => !known.has(name)).map((name) => `${where}: ${name} is not a setting`);
}

/** The configuration a container starts with: the image's environment, then the file's. */
export function effectiveEnv(
  container: OnethingContainer,
  imageEnv: Record<string, string>,
): Record<string, string> {
  const env = { ...imageEnv, ...container.env };
  for (const name of container.optionalEnv) delete env[name];
  return env;
}

/** What keeps a container from starting in production: a bad value or a missing setting. */
export function productionProblems(container: OnethingContainer, imageEnv: Record<string, string>): string[] {
  if (container.role === 'other') return [`${container.where}: runs neither npm run api nor npm run worker`];
  const parsed = configSchema.safeParse(effectiveEnv(container, imageEnv));
  if (!parsed.success)
    return parsed.error.issues.map((i) => `${container.where}: ${i.path.join('.')}: ${i.message}`);
  if (parsed.data.NODE_ENV !== 'production') return [`${container.where}: NODE_ENV is not production`];
  const missing = missingSettings(parsed.data, container.role);
  const lines = missing?.split('\n').slice(1, -1) ?? [];
  return lines.map((line) => `${container.where}: missing ${line.trim()}`);
}

/** Which health path each kind of probe must ask. */
const expectedPath: Record<Probe['kind'], string[]> = {
  readiness: [healthPaths.ready],
  liveness: [healthPaths.live],
  startup: [healthPaths.live],
  // A container health check gates what depends on it: either answer, ready preferred.
  healthcheck: [healthPaths.ready, healthPaths.live],
};

/**
 * Every probe asks a health route on the port the same file gives the process: the API's port
 * for an API, the worker's health port for a worker.
 */
export function probeProblems(container: OnethingContainer, imageEnv: Record<string, string>): string[] {
  const problems: string[] = [];
  const parsed = configSchema.safeParse(effectiveEnv(container, imageEnv));
  if (!parsed.success || container.role === 'other') return problems;
  const port = container.role === 'api' ? parsed.data.API_PORT : parsed.data.WORKER_HEALTH_PORT;
  const portName = container.role === 'api' ? 'API_PORT' : 'WORKER_HEALTH_PORT';
  const kinds = new Set(container.probes.map((p) => p.kind));
  if (!kinds.has('healthcheck') && !(kinds.has('readiness') && kinds.has('liveness')))
    problems.push(`${container.where}: no readiness and liveness probes (or health check)`);
  for (const probe of container.probes) {
    if (!expectedPath[probe.kind].includes(probe.path))
      problems.push(
        `${container.where}: the ${probe.kind} probe asks ${probe.path}, not ${expectedPath[probe.kind].join(' or ')}`,
      );
    if (probe.port !== port)
      problems.push(
        `${container.where}: the ${probe.kind} probe asks port ${probe.port}, ${portName} is ${port}`,
      );
  }
  return problems;
}

/** A worker is given longer than its shutdown grace to stop before it is killed. */
export function stopGraceProblems(container: OnethingContainer, imageEnv: Record<string, string>): string[] {
  if (container.role !== 'worker') return [];
  const parsed = configSchema.safeParse(effectiveEnv(container, imageEnv));
  if (!parsed.success) return [];
  const grace = seconds(parsed.data.WORKER_SHUTDOWN_GRACE);
  const given = container.stopGraceSeconds;
  if (given === undefined)
    return [`${container.where}: no stop grace period (Docker's default is 10 s, Kubernetes' 30 s)`];
  return given > grace
    ? []
    : [`${container.where}: ${given} s to stop is not longer than WORKER_SHUTDOWN_GRACE (${grace} s)`];
}

/** An image reference with a tag that names one version (or a digest): never `latest`, never none. */
export function imageProblems(image: string, where: string): string[] {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return [];
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  if (!tag) return [`${where}: image ${image} has no tag`];
  if (!/\d/.test(tag) || /latest|stable|edge|main|nightly/i.test(tag))
    return [`${where}: image ${image} is not pinned to a version`];
  return [];
}

/** The container problems every file shares. */
export function containerProblems(container: OnethingContainer, imageEnv: Record<string, string>): string[] {
  return [
    ...container.unreadable.map((what) => `${container.where}: cannot check ${what}`),
    ...unknownVariables(Object.keys(container.env), container.where),
    ...imageProblems(container.image, container.where),
    ...productionProblems(container, imageEnv),
    ...probeProblems(container, imageEnv),
    ...stopGraceProblems(container, imageEnv),
  ];
}

/** What the Dockerfile must say: a production image run by a user that is not root. */
export function dockerfileProblems(stages: DockerfileStage[], scripts: Record<string, string>): string[] {
  const problems: string[] = [];
  const final = stages.at(-1);
  if (!final) return ['Dockerfile: no stage'];
  for (const stage of stages) problems.push(...imageProblems(stage.from, `Dockerfile FROM`));
  if (stages.some((s) => argsOf(s, 'HEALTHCHECK').some((a) => a.toUpperCase() !== 'NONE')))
    problems.push('Dockerfile: a HEALTHCHECK (the orchestrators probe instead)');

  const user = argsOf(final, 'USER').at(-1)?.split(':')[0];
  if (user === undefined || user === 'root' || user === '0')
    problems.push('Dockerfile: the image runs as root');
  const cmd = execForm(argsOf(final, 'CMD').at(-1));
  if (cmd?.join(' ') !== 'npm run api')
    problems.push(`Dockerfile: CMD is ${cmd?.join(' ')}, not npm run api`);
  // npm hands SIGTERM to the script's process; a shell in between would die alone.
  for (const script of ['api', 'worker'])
    if (!scripts[script]?.startsWith('exec '))
      problems.push(
        `package.json: the ${script} script does not exec its process (SIGTERM would not reach it)`,
      );

  const env = dockerfileEnv(final);
  problems.push(...unknownVariables(Object.keys(env), 'Dockerfile ENV'));
  if (env.NODE_ENV !== 'production') problems.push('Dockerfile: NODE_ENV is not production');
  const parsed = configSchema.safeParse(env);
  if (parsed.success) {
    const exposed = argsOf(final, 'EXPOSE').flatMap((a) =>
      a.split(/\s+/).map((p) => Number(p.split('/')[0])),
    );
    for (const [name, port] of [
      ['API_PORT', parsed.data.API_PORT],
      ['WORKER_HEALTH_PORT', parsed.data.WORKER_HEALTH_PORT],
    ] as const)
      if (!exposed.includes(port)) problems.push(`Dockerfile: ${name} (${port}) is not exposed`);
  } else problems.push(...parsed.error.issues.map((i) => `Dockerfile ENV ${i.path.join('.')}: ${i.message}`));

  // Production dependencies only: node_modules comes from a stage that omits the dev ones.
  const copiesFrom = (what: RegExp) =>
    argsOf(final, 'COPY')
      .filter((a) => what.test(a))
      .map((a) => /--from=(\S+)/.exec(a)?.[1])
      .map((name) => stages.find((s) => s.name === name));
  const depsStage = copiesFrom(/node_modules/)[0];
  if (!depsStage || !argsOf(depsStage, 'RUN').some((r) => /npm ci\b.*--omit=dev/.test(r)))
    problems.push('Dockerfile: node_modules does not come from a stage that runs npm ci --omit=dev');
  if (argsOf(final, 'RUN').some((r) => /npm (ci|install)\b/.test(r)))
    problems.push('Dockerfile: the runtime stage installs packages itself');
  // The workflow bundle is built ahead and named where the worker looks for it.
  const bundle = env.WORKFLOW_BUNDLE_PATH;
  const bundleFile = bundle?.split('/').at(-1);
  const bundleStage = bundleFile ? copiesFrom(new RegExp(`${bundleFile.replace('.', '\\.')}`))[0] : undefined;
  if (!bundle) problems.push('Dockerfile: WORKFLOW_BUNDLE_PATH is not set');
  else if (!bundleStage || !argsOf(bundleStage, 'RUN').some((r) => r.includes('npm run build:workflows')))
    problems.push(`Dockerfile: ${bundle} is not copied from a stage that runs npm run build:workflows`);
  return problems;
}

/** What the Kubernetes objects must hold beyond each container: disruption budgets, a Service, scaling. */
export function kubernetesProblems(
  objects: K8sObject[],
  containers: OnethingContainer[],
  imageEnv: Record<string, string>,
): string[] {
  const problems: string[] = [];
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  for (const deployment of deployments) {
    const name = deployment.metadata.name;
    const pod = podTemplateOf(deployment);
    const labels = pod.metadata?.labels ?? {};
    const budgets = byKind('PodDisruptionBudget').filter((p) =>
      selects(
        (p.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels,
        labels,
      ),
    );
    if (budgets.length === 0) problems.push(`Deployment ${name}: no PodDisruptionBudget selects its pods`);
    for (const c of pod.spec.containers) {
      for (const kind of ['requests', 'limits'] as const)
        for (const resource of ['cpu', 'memory'])
          if (!c.resources?.[kind]?.[resource])
            problems.push(`Deployment ${name}, container ${c.name}: no ${resource} in resources.${kind}`);
      const role = roleOf([...(c.command ?? []), ...(c.args ?? [])]);
      if (role === 'api') {
        const services = byKind('Service').filter((s) =>
          selects((s.spec as { selector?: Record<string, string> }).selector, labels),
        );
        const container = containers.find((o) => o.where === `Deployment ${name}, container ${c.name}`);
        const config = container && configSchema.safeParse(effectiveEnv(container, imageEnv));
        const apiPort = config?.success ? config.data.API_PORT : undefined;
        const reaches = services.some((s) =>
          (s.spec as { ports?: Array<{ targetPort?: number | string }> }).ports?.some((p) => {
            const target = p.targetPort;
            const port =
              typeof target === 'string' ? c.ports?.find((cp) => cp.name === target)?.containerPort : target;
            return port === apiPort;
          }),
        );
        if (!reaches) problems.push(`Deployment ${name}: no Service reaches the API's port ${apiPort}`);
      }
      if (role === 'worker') {
        const hpa = byKind('HorizontalPodAutoscaler').find(
          (h) => (h.spec as { scaleTargetRef?: { name?: string } }).scaleTargetRef?.name === name,
        );
        if (!hpa)
          problems.push(
            `Deployment ${name}: the workers are not scaled on load (no HorizontalPodAutoscaler)`,
          );
        else if (!((hpa.spec as { metrics?: unknown[] }).metrics ?? []).length)
          problems.push(`HorizontalPodAutoscaler ${hpa.metadata.name}: no metric`);
      }
    }
  }
  return problems;
}

/** How many processes of each role the containers run. */
export function processCounts(containers: OnethingContainer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of containers) counts[c.role] = (counts[c.role] ?? 0) + c.replicas;
  return counts;
}
