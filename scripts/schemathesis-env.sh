#!/usr/bin/env bash
# Installs schemathesis (pinned, from PyPI) into a virtualenv outside the repository and prints
# the path of its `st` command. Used by scripts/test.sh for
# test/integration/server/schemathesis.test.ts (C8S_SCHEMATHESIS=<path>).
#   exit 0: the path on stdout
#   exit 2: it cannot be installed here (no python3 venv, PyPI unreachable); the reason on stderr
set -euo pipefail
version=4.32.5
dir="${C8S_SCHEMATHESIS_DIR:-$HOME/.cache/c8s-schemathesis}/venv-$version"
if [[ ! -f "$dir/.installed" ]]; then
  if ! command -v python3 >/dev/null; then
    echo "schemathesis: python3 is not installed" >&2
    exit 2
  fi
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  if ! python3 -m venv "$dir" >&2; then
    echo "schemathesis: python3 -m venv failed (install python3-venv)" >&2
    rm -rf "$dir"
    exit 2
  fi
  if ! timeout 300 "$dir/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2; then
    echo "schemathesis: could not install schemathesis==$version from PyPI (unreachable?)" >&2
    rm -rf "$dir"
    exit 2
  fi
  touch "$dir/.installed"
fi
echo "$dir/bin/st"
