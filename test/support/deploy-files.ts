import { parse, parseAllDocuments } from 'yaml';

// Readers of the deployment files (Dockerfile, deploy/compose.yaml, deploy/kubernetes/*.yaml):
// each turns a file into the Onething containers it runs, in one shape the checks of
// deploy-checks.ts read. Nothing here builds or runs a container.

/** Which process an Onething container runs: the image's default command, or a worker. */
export type Role = 'api' | 'worker';

/** A probe or health check: what an orchestrator asks a container, and on which port. */
export interface Probe {
  kind: 'readiness' | 'liveness' | 'startup' | 'healthcheck';
  path: string;
  port: number;
}

/** One Onething container as a deployment file runs it. */
export interface OnethingContainer {
  /** The compose service, or the Deployment, that runs it. */
  name: string;
  /** Where it is, in words: `compose service worker`, `Deployment onething-api, container api`. */
  where: string;
  /** `other` when its command is neither the API nor a worker (a simulator, the embedded stack). */
  role: Role | 'other';
  image: string;
  /** What the file sets, by name; secret references stand in as `<secret …>`. */
  env: Record<string, string>;
  /** Variables the file may leave out (a Secret's optional key): they count as not provided. */
  optionalEnv: string[];
  /** How many processes of it run. */
  replicas: number;
  probes: Probe[];
  /** How long the orchestrator waits after SIGTERM before it kills, in seconds. */
  stopGraceSeconds?: number;
  /** What this reader could not see (an env file, a Secret's keys): checks report it. */
  unreadable: string[];
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

/** One instruction, its continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

export interface DockerfileStage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** A simple line parser: comments and blank lines dropped, `\` continuations joined. */
export function parseDockerfile(text: string): DockerfileStage[] {
  const stages: DockerfileStage[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    const [keyword = '', ...rest] = whole.split(/\s+/);
    const args = whole.slice(keyword.length).trim();
    if (keyword.toUpperCase() === 'FROM') {
      const as = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest.join(' '));
      stages.push({ from: as?.[1] ?? args, ...(as?.[2] ? { name: as[2] } : {}), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${keyword} before the first FROM`);
    stage.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

/** The arguments of one keyword in a stage, in order. */
export const argsOf = (stage: DockerfileStage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** `ENV A=1 B="two words"` (and the old `ENV A 1`) as name → value. */
export function dockerfileEnv(stage: DockerfileStage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of argsOf(stage, 'ENV')) {
    const tokens = args.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
    if (tokens.length > 0 && !tokens[0]?.includes('=')) {
      env[tokens[0] ?? ''] = unquote(tokens.slice(1).join(' '));
      continue;
    }
    for (const token of tokens) {
      const at = token.indexOf('=');
      env[token.slice(0, at)] = unquote(token.slice(at + 1));
    }
  }
  return env;
}

const unquote = (value: string) => value.replace(/^(["'])(.*)\1$/, '$2');

/** An instruction's exec form (`["npm", "run", "api"]`), or undefined for the shell form. */
export function execForm(args: string | undefined): string[] | undefined {
  if (!args?.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) ? parsed.map(String) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Compose

/** How a compose file names its Onething image (built from the repository's Dockerfile). */
const isOnethingService = (service: ComposeService) =>
  service.build?.dockerfile === 'Dockerfile' || /^onething:/.test(service.image ?? '');

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: unknown;
  healthcheck?: { test?: string | string[] };
  stop_grace_period?: string;
  deploy?: { replicas?: number };
  configs?: Array<{ source: string; target?: string }>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  configs?: Record<string, { content?: string; file?: string }>;
  secrets?: Record<string, { file?: string; environment?: string }>;
}

/** A compose file with its YAML anchors and merge keys resolved. */
export const parseCompose = (text: string) => parse(text, { merge: true }) as ComposeFile;

/** One `${…}` of compose interpolation: `${NAME}`, `${NAME:-default}`, `${NAME:?error}`. */
export interface Interpolation {
  name: string;
  required: boolean;
  fallback?: string;
}

const interpolation = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Every `${…}` a value refers to. */
export function interpolationsOf(value: string): Interpolation[] {
  const found: Interpolation[] = [];
  for (const m of value.matchAll(interpolation)) {
    const name = m[1] ?? m[5];
    if (!name) continue;
    found.push({
      name,
      required: m[3] === '?',
      ...(m[3] === '-' ? { fallback: m[4] ?? '' } : {}),
    });
  }
  return found;
}

/** A value as compose passes it: defaults taken, a required or unset variable as `<NAME>`. */
export function interpolate(value: string): string {
  return value.replace(
    interpolation,
    (whole, braced?: string, _colon?: string, op?: string, arg?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const name = braced ?? bare ?? '';
      return op === '-' ? (arg ?? '') : `<${name}>`;
    },
  );
}

/** A compose service's environment as name → interpolated value. */
export function composeEnv(service: ComposeService): Record<string, string> {
  const raw = service.environment ?? {};
  const entries: Array<[string, string]> = Array.isArray(raw)
    ? raw.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(raw).map(([name, value]) => [name, value === null ? '' : String(value)]);
  return Object.fromEntries(entries.map(([name, value]) => [name, interpolate(value)]));
}

/** The words of a command, exec form or shell form. */
export const words = (command: string | string[] | undefined): string[] =>
  command === undefined ? [] : Array.isArray(command) ? command : command.split(/\s+/);

/** Which process a command starts: none given is the image's own (`npm run api`). */
export function roleOf(command: string[]): Role | 'other' {
  if (command.length === 0) return 'api';
  const script = command[0] === 'npm' && command[1] === 'run' ? command[2] : undefined;
  return script === 'api' || script === 'worker' ? script : 'other';
}

/** The URL a health check's command asks (`curl …`, `node -e "fetch(…)"`). */
export function healthCheckProbe(test: string | string[] | undefined): Probe | undefined {
  const url = /https?:\/\/[^\s'"`)]+/.exec(words(test).join(' '))?.[0];
  if (!url) return undefined;
  const parsed = new URL(url);
  return { kind: 'healthcheck', path: parsed.pathname, port: Number(parsed.port || 80) };
}

/** Go-style durations of compose and Kubernetes (`45s`, `1m30s`) and the configuration's (`30s`, `3d`). */
export function seconds(duration: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration)
    throw new Error(`not a duration: ${duration}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? ''] ?? 0), 0);
}

/** The Onething containers of a compose file. */
export function composeContainers(compose: ComposeFile): OnethingContainer[] {
  return Object.entries(compose.services)
    .filter(([, service]) => isOnethingService(service))
    .map(([name, service]) => {
      const probe = healthCheckProbe(service.healthcheck?.test);
      return {
        name,
        where: `compose service ${name}`,
        role: roleOf(words(service.command)),
        image: interpolate(service.image ?? ''),
        env: composeEnv(service),
        optionalEnv: [],
        replicas: service.deploy?.replicas ?? 1,
        probes: probe ? [probe] : [],
        ...(service.stop_grace_period ? { stopGraceSeconds: seconds(service.stop_grace_period) } : {}),
        unreadable: service.env_file === undefined ? [] : ['env_file (name every variable in environment)'],
      };
    });
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

/** A Kubernetes object, as loosely as the checks read it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** Every object of a multi-document manifest; a YAML error fails loudly. */
export function parseManifests(text: string, file: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map(String).join('; ')}`);
    const object = doc.toJS() as K8sObject | null;
    return object ? [object] : [];
  });
}

export interface K8sContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: { name: string; key: string; optional?: boolean };
      configMapKeyRef?: { name: string; key: string; optional?: boolean };
    };
  }>;
  readinessProbe?: K8sProbe;
  livenessProbe?: K8sProbe;
  startupProbe?: K8sProbe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

interface K8sProbe {
  httpGet?: { path?: string; port: number | string };
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: { terminationGracePeriodSeconds?: number; containers: K8sContainer[] };
}

/** A Deployment's pod template. */
export const podTemplateOf = (deployment: K8sObject) =>
  (deployment.spec as { template: PodTemplate }).template;

/** The Onething containers of a set of manifests, their ConfigMaps read into their environment. */
export function kubernetesContainers(objects: K8sObject[]): OnethingContainer[] {
  const configMaps = new Map(
    objects
      .filter((o) => o.kind === 'ConfigMap')
      .map((o) => [o.metadata.name, (o.data ?? {}) as Record<string, string>]),
  );
  return objects
    .filter((o) => o.kind === 'Deployment')
    .flatMap((deployment) => {
      const pod = podTemplateOf(deployment);
      return pod.spec.containers
        .filter((c) => /(^|\/)onething(:|@|$)/.test(c.image))
        .map((c) => {
          const env: Record<string, string> = {};
          const optionalEnv: string[] = [];
          const unreadable: string[] = [];
          for (const from of c.envFrom ?? []) {
            if (from.configMapRef) {
              const data = configMaps.get(from.configMapRef.name);
              if (data) Object.assign(env, data);
              else unreadable.push(`ConfigMap ${from.configMapRef.name} (not among the manifests)`);
            }
            if (from.secretRef)
              unreadable.push(`envFrom Secret ${from.secretRef.name} (name each variable with secretKeyRef)`);
          }
          for (const e of c.env ?? []) {
            const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
            env[e.name] = ref ? `<secret ${ref.name}/${ref.key}>` : (e.value ?? '');
            if (ref?.optional) optionalEnv.push(e.name);
          }
          const portOf = (port: number | string) =>
            typeof port === 'number' ? port : (c.ports?.find((p) => p.name === port)?.containerPort ?? NaN);
          const probes: Probe[] = [];
          for (const kind of ['readiness', 'liveness', 'startup'] as const) {
            const get = c[`${kind}Probe`]?.httpGet;
            if (get) probes.push({ kind, path: get.path ?? '/', port: portOf(get.port) });
          }
          const replicas = (deployment.spec as { replicas?: number }).replicas;
          return {
            name: deployment.metadata.name,
            where: `Deployment ${deployment.metadata.name}, container ${c.name}`,
            role: roleOf([...(c.command ?? []), ...(c.args ?? [])]),
            image: c.image,
            env,
            optionalEnv,
            replicas: replicas ?? hpaMinimum(objects, deployment.metadata.name) ?? 1,
            probes,
            ...(pod.spec.terminationGracePeriodSeconds !== undefined
              ? { stopGraceSeconds: pod.spec.terminationGracePeriodSeconds }
              : {}),
            unreadable,
          };
        });
    });
}

/** The minimum replicas of the HorizontalPodAutoscaler that scales a Deployment, if one does. */
export function hpaMinimum(objects: K8sObject[], deployment: string): number | undefined {
  const hpa = objects.find(
    (o) =>
      o.kind === 'HorizontalPodAutoscaler' &&
      (o.spec as { scaleTargetRef?: { kind?: string; name?: string } }).scaleTargetRef?.name === deployment,
  );
  return hpa ? ((hpa.spec as { minReplicas?: number }).minReplicas ?? 1) : undefined;
}

/** Whether a label selector's `matchLabels` selects pods with these labels. */
export const selects = (matchLabels: Record<string, string> | undefined, labels: Record<string, string>) =>
  matchLabels !== undefined &&
  Object.keys(matchLabels).length > 0 &&
  Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
