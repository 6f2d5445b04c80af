# syntax=docker/dockerfile:1
# The c8s server image: `node bin/c8s.js serve`, listening on 0.0.0.0:7878, as uid 10001.
#
#   docker build -t c8s:dev .
#   docker compose up            # c8s + PostgreSQL (docker-compose.yml)
#   kubectl apply -k deploy/kubernetes   or   helm install c8s deploy/helm/c8s
#
# Meant for the kubernetes and docker runtimes: the server starts sandboxes elsewhere (Jobs
# on the cluster, containers on DOCKER_HOST). The local runtime (bubblewrap plus the C
# supervisor in native/, compiled on first use) needs user namespaces an unprivileged
# container does not get, so no C compiler or bubblewrap is shipped here.
#
# Not built in c8s's own CI: no container registry is reachable there, so `FROM node:…`
# cannot be pulled. test/unit/deploy/dockerfile.test.ts checks its structure instead
# (stages, npm ci, non-root USER, HEALTHCHECK on /healthz, the serve command).

ARG NODE_VERSION=22

# --- build: production dependencies, then the compiled CLI in dist/ (esbuild comes with tsx) ---
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# A compiler for the one optional native addon in the tree (cpu-features, under dockerode's
# ssh2); npm skips it when it cannot build, so this only makes SSH to Docker hosts faster.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY packages/sdk/package.json packages/sdk/package.json
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin/ bin/
COPY src/ src/
COPY packages/sdk/src/ packages/sdk/src/
COPY tsconfig.json ./
COPY scripts/build.mjs scripts/build.mjs
RUN node scripts/build.mjs

# --- runtime: node and the app, nothing else ---
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    C8S_HOST=0.0.0.0 \
    C8S_PORT=7878 \
    C8S_HOME=/var/lib/c8s
# A numeric uid/gid, so Kubernetes can check runAsNonRoot without an /etc/passwd lookup
# (deploy/kubernetes runs it as 10001:10001 with a read-only root filesystem).
RUN groupadd --system --gid 10001 c8s \
  && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/c8s --shell /usr/sbin/nologin c8s \
  && mkdir -p /var/lib/c8s \
  && chown 10001:10001 /var/lib/c8s
WORKDIR /app
COPY --from=build --chown=root:root /app /app
USER 10001:10001
VOLUME ["/var/lib/c8s"]
EXPOSE 7878
# node:*-slim has no curl or wget; Node's fetch probes the unauthenticated liveness route.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.C8S_PORT||7878)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/c8s.js"]
CMD ["serve"]
