#!/usr/bin/env bash
# Installs what c8s needs on a Debian/Ubuntu machine: system packages (as root) and npm
# dependencies. Safe to run again. Not root: prints the exact apt-get command to run.
#   bash scripts/install.sh            runtime needs (bubblewrap, a C compiler for the supervisor, git, tar)
#   bash scripts/install.sh --test     also what the test suite needs (PostgreSQL, util-linux script, busybox,
#                                      Debian's chromium for the dashboard's browser test — never a browser download)
set -euo pipefail
cd "$(dirname "$0")/.."

want=(bubblewrap gcc libc6-dev git tar ca-certificates)
if [[ "${1:-}" == "--test" ]]; then
  want+=(postgresql busybox-static util-linux iproute2 procps chromium)
fi

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "c8s: installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "c8s: missing system packages: ${missing[*]}" >&2
    echo "c8s: run this, then run the command again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "c8s: Node.js 20 or newer is required (found $(node --version))" >&2
  exit 1
fi

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "c8s: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
# The compiled CLI (dist/): bin/c8s.js starts from it instead of transpiling the sources each time.
node scripts/build.mjs --if-stale
echo "c8s: ready ($(bwrap --version), node $(node --version))"
