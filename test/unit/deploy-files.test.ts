import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { healthPaths } from '../../health/paths.js';
import {
  containerProblems,
  dockerfileProblems,
  effectiveEnv,
  imageProblems,
  kubernetesProblems,
  processCounts,
} from '../support/deploy-checks.js';
import {
  composeContainers,
  composeEnv,
  dockerfileEnv,
  interpolate,
  interpolationsOf,
  kubernetesContainers,
  parseCompose,
  parseDockerfile,
  parseManifests,
  words,
} from '../support/deploy-files.js';
import type { K8sObject } from '../support/deploy-files.js';
import { dockerignorePatterns, dockerignored, runtimeImports } from '../support/runtime-imports.js';

// The deployment files are never built or run here (no Docker engine, no cluster): this test
// reads them and holds them to the code. Every check is also fed a wrong file, at the end.

const text = (path: string) => readFile(path, 'utf8');
const orNothing = (path: string) => readFile(path, 'utf8').catch(() => undefined);

const packageJson = JSON.parse(await text('package.json')) as {
  version: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};
const stages = parseDockerfile(await text('Dockerfile'));
const finalStage = stages.at(-1);
if (!finalStage) throw new Error('Dockerfile: no stage');
/** What every container of the image starts with. */
const imageEnv = dockerfileEnv(finalStage);
const temporalVersion = (await text('temporal/server-version.txt')).trim().replace(/^v/, '');

const composeText = await text('deploy/compose.yaml');
const compose = parseCompose(composeText);
const composeOnething = composeContainers(compose);

const k8sDir = 'deploy/kubernetes';
const k8sFiles = (await readdir(k8sDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
const k8sObjects = (
  await Promise.all(k8sFiles.map(async (f) => parseManifests(await text(`${k8sDir}/${f}`), f)))
).flat();
const k8sOnething = kubernetesContainers(k8sObjects);

describe('the Dockerfile', () => {
  it('builds a production image: dev dependencies left out, the workflow bundle prebuilt, not root, npm run api', () => {
    expect(dockerfileProblems(stages, packageJson.scripts)).toEqual([]);
    expect(imageEnv).toMatchObject({ NODE_ENV: 'production', WORKFLOW_BUNDLE_PATH: expect.any(String) });
  });

  it('holds everything the processes import or read, and npm ci --omit=dev installs every package they import', async () => {
    // The commands run in the image: the two roles and the operators' (migrate, keys, ops).
    const entries = ['api', 'worker', 'migrate', 'keys', 'ops'].map((script) => {
      const file = /tsx (\S+)/.exec(packageJson.scripts[script] ?? '')?.[1];
      if (!file) throw new Error(`package.json has no tsx script ${script}`);
      return file;
    });
    // tsx runs them from source, in the image too.
    expect(packageJson.dependencies).toHaveProperty('tsx');
    // Read by path rather than imported.
    const readByPath = [
      'console/index.html',
      'db/migrations',
      'calendar/cn.json',
      'temporal/failure-converter.cjs',
    ];
    const { files, packages } = await runtimeImports(entries, orNothing);
    const ignore = dockerignorePatterns(await text('.dockerignore'));

    expect([...files, ...readByPath].filter((f) => dockerignored(ignore, f))).toEqual([]);
    const notInstalled = [...packages].filter(([name]) => !(name in packageJson.dependencies));
    expect(notInstalled.map(([name, file]) => `${file} imports ${name}`)).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });
});

describe('deploy/compose.yaml', () => {
  it('runs two APIs and two workers, configured for production, probed on their health routes', () => {
    expect(composeOnething.flatMap((c) => containerProblems(c, imageEnv))).toEqual([]);
    expect(processCounts(composeOnething)).toEqual({ api: 2, worker: 2 });
    for (const c of composeOnething) expect(c.image).toBe(`onething:${packageJson.version}`);
  });

  it('runs the pinned Temporal server on PostgreSQL, its schema set up by the admin tools of the same version', () => {
    const services = Object.entries(compose.services);
    const images = services.map(([, s]) => interpolate(s.image ?? ''));
    expect(images.flatMap((image) => imageProblems(image, 'compose'))).toEqual([]);
    expect(images.filter((i) => /temporalio\/(auto-setup|temporal)\b/.test(i))).toEqual([]);
    // Neither the dev server nor the department simulator, nor the embedded stack.
    const commands = services.map(([, s]) => [...words(s.entrypoint), ...words(s.command)].join(' '));
    expect(commands.filter((c) => /start-dev|simulator|npm (run )?start/.test(c))).toEqual([]);

    const server = services.find(([, s]) => s.image?.startsWith('temporalio/server:'))?.[1];
    expect(server?.image).toBe(`temporalio/server:${temporalVersion}`);
    expect(composeEnv(server ?? {})).toMatchObject({ DB: 'postgres12' });
    const schema = services.find(([, s]) => String(s.command).includes('temporal-sql-tool'))?.[1];
    expect(schema?.image).toMatch(
      new RegExp(`^temporalio/admin-tools:${temporalVersion.replaceAll('.', '\\.')}(-|$)`),
    );
    expect(composeEnv(schema ?? {})).toMatchObject({ SQL_PLUGIN: 'postgres12' });
    for (const database of ['temporal', 'temporal_visibility'])
      for (const step of ['create-database', 'setup-schema', 'update-schema'])
        expect(String(schema?.command)).toContain(`--db ${database} ${step}`);
  });

  it("has the Temporal UI decode through the API's codec endpoint, with the operator's session", () => {
    const ui = Object.values(compose.services).find((s) => s.image?.startsWith('temporalio/ui:'));
    const env = composeEnv(ui ?? {});
    expect(env.TEMPORAL_CODEC_ENDPOINT).toMatch(/^https?:\/\/[^/]+\/codec$/);
    expect(env.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
    // The API answers CORS for the UI's origin.
    for (const c of composeOnething.filter((o) => o.role === 'api'))
      expect(c.env.TEMPORAL_UI_ORIGIN).toBeTruthy();
  });

  it('balances the APIs over those that answer their readiness route', () => {
    const proxy = Object.values(compose.services).find((s) => s.configs?.length);
    const caddyfile = compose.configs?.[proxy?.configs?.[0]?.source ?? '']?.content ?? '';
    expect(/health_uri\s+(\S+)/.exec(caddyfile)?.[1]).toBe(healthPaths.ready);
    const upstreams = /reverse_proxy\s+([^{]+)\{/.exec(caddyfile)?.[1]?.trim().split(/\s+/) ?? [];
    const apis = composeOnething.filter((c) => c.role === 'api');
    expect(upstreams.sort()).toEqual(
      apis.map((c) => `${c.name}:${effectiveEnv(c, imageEnv).API_PORT ?? 'no API_PORT'}`).sort(),
    );
  });

  it('takes the secrets from deploy/.env, whose template names every value it must give', async () => {
    const template = await text('deploy/env.example');
    const listed = new Set([...template.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const used = interpolationsOf(composeText);
    expect(used.filter((i) => !listed.has(i.name)).map((i) => i.name)).toEqual([]);
    expect([...listed].filter((name) => !used.some((i) => i.name === name))).toEqual([]);
    expect(used.filter((i) => i.required).length).toBeGreaterThan(0);
  });
});

describe('deploy/kubernetes', () => {
  it('runs the API and the worker configured for production, probed on their health routes', () => {
    expect(k8sOnething.flatMap((c) => containerProblems(c, imageEnv))).toEqual([]);
    expect(processCounts(k8sOnething)).toEqual({ api: 2, worker: 2 });
  });

  it('gives each a disruption budget and resources, the API a Service, and scales the workers on load', () => {
    expect(kubernetesProblems(k8sObjects, k8sOnething, imageEnv)).toEqual([]);
  });

  it('applies every manifest (kustomization) with the image pinned to this version', () => {
    const kustomization = k8sObjects.find((o) => o.kind === 'Kustomization') as
      (K8sObject & { resources: string[]; images: Array<{ name: string; newTag?: string }> }) | undefined;
    expect(kustomization?.resources.sort()).toEqual(k8sFiles.filter((f) => !f.startsWith('kustomization')));
    expect(kustomization?.images).toEqual([
      expect.objectContaining({ name: 'onething', newTag: packageJson.version }),
    ]);
    for (const c of k8sOnething) expect(c.image).toBe(`onething:${packageJson.version}`);
  });
});

describe('the checks fail on a wrong file', () => {
  const worker = (env: string, extra = '') =>
    composeContainers(
      parseCompose(`
services:
  worker:
    image: onething:1.0.0
    command: ['npm', 'run', 'worker']
    environment:
      TEMPORAL_ADDRESS: temporal:7233
      DATABASE_URL: \${DATABASE_URL:?}
      ENCRYPTION_KEYS: \${ENCRYPTION_KEYS:?}
      DEPARTMENTS_URL: https://gateway.example.gov.cn
${env}
    healthcheck:
      test: ['CMD', 'curl', '-f', 'http://127.0.0.1:3001/health/ready']
    stop_grace_period: 45s
${extra}`),
    );
  /** What production needs of a worker besides the settings every process gets. */
  const videoAndLinks = [
    '      VIDEO_PROVIDER_MODULE: provider',
    '      MATERIAL_LINK_BASE_URL: https://onething.example.gov.cn',
  ].join('\n');
  const problems = (containers: ReturnType<typeof worker>) =>
    containers.flatMap((c) => containerProblems(c, imageEnv));

  it('accepts the right one', () => {
    expect(problems(worker(videoAndLinks))).toEqual([]);
  });

  it('names a variable the configuration does not have', () => {
    expect(problems(worker(`${videoAndLinks}\n      WORKER_SHUTDOWN_GRAC: 60s`))).toEqual([
      'compose service worker: WORKER_SHUTDOWN_GRAC is not a setting',
    ]);
  });

  it('names a setting production needs that is not given', () => {
    expect(problems(worker(''))).toEqual([
      "compose service worker: missing VIDEO_PROVIDER_MODULE: the cloud window's video service",
      "compose service worker: missing MATERIAL_LINK_BASE_URL: the API's address as departments reach it, for material links",
    ]);
  });

  it('names a probe on a route that does not exist, or on a port the process does not answer', () => {
    const [deployment] = kubernetesContainers(
      parseManifests(
        `
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: api
          image: onething:latest
          ports: [{ name: http, containerPort: 8080 }]
          env:
            - { name: API_PORT, value: '8080' }
            - { name: TEMPORAL_ADDRESS, value: temporal:7233 }
            - { name: DATABASE_URL, valueFrom: { secretKeyRef: { name: s, key: DATABASE_URL } } }
            - { name: ENCRYPTION_KEYS, valueFrom: { secretKeyRef: { name: s, key: ENCRYPTION_KEYS, optional: true } } }
            - { name: DEPARTMENTS_URL, value: https://gateway.example.gov.cn }
            - { name: OIDC_ISSUER_URL, value: https://sso.example.gov.cn }
            - { name: OIDC_CLIENT_ID, value: onething }
            - { name: OIDC_REDIRECT_URL, value: https://onething.example.gov.cn/v1/console/oidc/callback }
          readinessProbe: { httpGet: { path: /healthz, port: http } }
          livenessProbe: { httpGet: { path: /health/live, port: 3000 } }
`,
        'wrong.yaml',
      ),
    );
    expect(containerProblems(deployment!, imageEnv)).toEqual([
      'Deployment api, container api: image onething:latest is not pinned to a version',
      'Deployment api, container api: missing ENCRYPTION_KEYS: the keys that encrypt citizen data in Temporal',
      'Deployment api, container api: the readiness probe asks /healthz, not /health/ready',
      'Deployment api, container api: the liveness probe asks port 3000, API_PORT is 8080',
    ]);
  });

  it('names a worker killed before its shutdown grace is over', () => {
    const [short] = worker(`${videoAndLinks}\n      WORKER_SHUTDOWN_GRACE: 1m`);
    expect(containerProblems(short!, imageEnv)).toEqual([
      'compose service worker: 45 s to stop is not longer than WORKER_SHUTDOWN_GRACE (60 s)',
    ]);
  });

  it('names a Dockerfile that runs as root, with dev dependencies, or another command', () => {
    const wrong = parseDockerfile(`
FROM node:20 AS build
RUN npm ci && npm run build:workflows -- dist/workflow-bundle.js
FROM node:latest
ENV NODE_ENV=production WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js API_PORT=8080
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/workflow-bundle.js ./dist/
HEALTHCHECK CMD curl -f http://127.0.0.1:8080/health/live
EXPOSE 8080
CMD ["npm", "start"]
`);
    expect(
      dockerfileProblems(wrong, { api: 'tsx scripts/api.ts', worker: 'exec tsx scripts/worker.ts' }),
    ).toEqual([
      'Dockerfile FROM: image node:latest is not pinned to a version',
      'Dockerfile: a HEALTHCHECK (the orchestrators probe instead)',
      'Dockerfile: the image runs as root',
      'Dockerfile: CMD is npm start, not npm run api',
      'package.json: the api script does not exec its process (SIGTERM would not reach it)',
      'Dockerfile: WORKER_HEALTH_PORT (3001) is not exposed',
      'Dockerfile: node_modules does not come from a stage that runs npm ci --omit=dev',
    ]);
  });

  it('names a package the processes import that npm ci --omit=dev leaves out, and a file .dockerignore drops', async () => {
    const sources: Record<string, string> = {
      'scripts/api.ts': "import { x } from '../lib/x.js';\nimport type { T } from 'typed-only';\n",
      'lib/x.ts': "import { describe } from 'vitest';\nexport const x = await import('node:fs');\n",
    };
    const { files, packages } = await runtimeImports(['scripts/api.ts'], async (f) => sources[f]);
    expect([...packages.keys()]).toEqual(['vitest']);
    expect(files.filter((f) => dockerignored(['lib', '!lib/keep.ts'], f))).toEqual(['lib/x.ts']);
    expect(dockerignored(['**/*.md'], 'api/routes/README.md')).toBe(true);
    expect(dockerignored(['*.md', 'test'], 'api/README.md')).toBe(false);
  });
});
