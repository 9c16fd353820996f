# Onething's production image: one image for both roles. The default command starts an API
# process (`npm run api`); a worker runs the same image with the command `npm run worker`.
# deploy/compose.yaml and deploy/kubernetes/ run it; test/unit/deploy-files.test.ts checks this
# file. No HEALTHCHECK: the orchestrator probes /health/live and /health/ready on the API port
# or on the worker's health port.

# Production dependencies only. tsx is one of them: the processes run the TypeScript sources.
FROM node:20.20.2-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Every dependency, to bundle the workflow code once (bundleWorkflowCode), here rather than at
# each worker's start.
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:workflows -- dist/workflow-bundle.js

FROM node:20.20.2-bookworm-slim AS runtime
WORKDIR /app
# Listen on every interface of the container; the ports are the configuration's defaults.
# npm only runs the start script: it must not ask the registry for a newer npm at each start.
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=3000 \
    WORKER_HEALTH_HOST=0.0.0.0 \
    WORKER_HEALTH_PORT=3001 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    NPM_CONFIG_UPDATE_NOTIFIER=false
COPY --from=deps /app/node_modules ./node_modules
COPY . .
COPY --from=build /app/dist/workflow-bundle.js ./dist/workflow-bundle.js
# The image's `node` user, by number so that Kubernetes can verify runAsNonRoot. The files stay
# root's: the processes read them and write nothing under /app.
USER 1000:1000
EXPOSE 3000 3001
# npm passes SIGTERM on to the script's process, and the api and worker scripts `exec` theirs:
# through a shell left in between, SIGTERM would end the shell alone, and the container with it,
# before a stopping worker lets its department calls finish (WORKER_SHUTDOWN_GRACE).
CMD ["npm", "run", "api"]
