# syntax=docker/dockerfile:1
# The bramble operator. Multi-arch (linux/arm64 for Raspberry Pis, linux/amd64):
#   docker buildx build --platform linux/arm64,linux/amd64 -t REGISTRY/bramble:TAG --push .
# The sources are bundled in memory by esbuild at start (bin/bramble.js), so there is no build
# step to drift from them; the deps stage only installs production dependencies.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 (the embedded control plane's store) builds from source where no prebuilt
# binary matches; these are only in this stage, never in the final image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY cli ./cli
COPY controllers ./controllers
COPY controlplane ./controlplane
COPY crds ./crds
COPY metrics ./metrics
COPY reconcilers ./reconcilers
COPY ssh ./ssh
# The image's `node` user; numeric so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080 8081
ENTRYPOINT ["node", "bin/bramble.js", "run"]
