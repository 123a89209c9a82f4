# syntax=docker/dockerfile:1
# The bramble operator. Multi-arch (linux/arm64 for Raspberry Pis, linux/amd64):
#   docker buildx build --platform linux/arm64,linux/amd64 -t REGISTRY/bramble:TAG --push .
# The build stage bundles the TypeScript into dist/bramble.mjs (`npm run build`, esbuild) from
# the sources in this context, so the bundle cannot drift from them; the runtime stage holds the
# bundle, the CRDs and production dependencies only (no esbuild, no compiler, no dev packages).

# Node 24 LTS ("Krypton"), pinned by digest (the multi-arch index). The test suite runs on the
# same version (scripts/setup/node-lts/package.json); change both together.
ARG NODE_IMAGE=node:24.18.0-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the bundler needs none of them (esbuild finds its platform binary itself).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY bin ./bin
COPY scripts/build.mjs ./scripts/build.mjs
COPY cli ./cli
COPY controllers ./controllers
COPY controlplane ./controlplane
COPY crds ./crds
COPY metrics ./metrics
COPY reconcilers ./reconcilers
COPY ssh ./ssh
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# better-sqlite3 (the embedded control plane's store) builds from source where no prebuilt
# binary matches; the compiler is only in this stage, never in the final image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Install scripts are off for every package; the one that needs its own (better-sqlite3's native
# binding) is built explicitly.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && npm cache clean --force

FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="bramble" \
      org.opencontainers.image.description="A Kubernetes operator that keeps a cluster of bare Raspberry Pis in the state its users declare." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/bramble-dev/bramble" \
      org.opencontainers.image.documentation="https://github.com/bramble-dev/bramble#readme" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json LICENSE ./
# `bramble run` installs these into its embedded control plane.
COPY crds ./crds
# The image's `node` user; numeric so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080 8081
ENTRYPOINT ["node", "dist/bramble.mjs", "run"]
