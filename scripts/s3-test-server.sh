#!/usr/bin/env bash
# A real S3-compatible server for c8s tests: versitygw (Apache-2.0, built from the Go module
# proxy) with its posix backend on a private directory, on loopback only.
#
#   scripts/s3-test-server.sh build    build versitygw into the cache (once per version)
#   scripts/s3-test-server.sh start    build if needed, start it, create the test bucket (idempotent)
#   scripts/s3-test-server.sh env      print the C8S_TEST_S3_* exports the tests read
#   scripts/s3-test-server.sh status   exit 0 when it answers
#   scripts/s3-test-server.sh stop     stop it by PID and delete its data
#
# The binary is cached outside the repository in ${C8S_S3_CACHE:-$HOME/.cache/c8s-s3}/versitygw-<version>
# and never committed. Data, pid file and log live under ${C8S_S3_DIR:-/var/tmp/c8s-s3}
# (the posix backend needs extended attributes: /var/tmp is on the disk, /tmp may be tmpfs).
set -euo pipefail

VERSITYGW_VERSION=v1.8.0
cache=${C8S_S3_CACHE:-$HOME/.cache/c8s-s3}/versitygw-$VERSITYGW_VERSION
bin="$cache/versitygw"
dir=${C8S_S3_DIR:-/var/tmp/c8s-s3}
port=${C8S_S3_PORT:-7491}
endpoint="http://127.0.0.1:$port"
access=c8s-test
secret=c8s-test-secret-not-for-production
bucket=c8s-test

log() { printf '[s3-test-server] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

build() {
  [[ -x $bin ]] && return 0
  command -v go >/dev/null || die "go is needed to build versitygw (apt-get install golang, or a Go toolchain on PATH)"
  log "building versitygw $VERSITYGW_VERSION from the Go module proxy (once; cached in $cache)"
  mkdir -p "$cache"
  GOBIN="$cache" GOFLAGS=-mod=mod go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" >&2
  [[ -x $bin ]] || die "go install finished but $bin is missing"
}

answers() { curl -s -o /dev/null --max-time 2 "$endpoint/" 2>/dev/null; }

start() {
  build
  if [[ -f $dir/pid ]] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && answers; then return 0; fi
  rm -rf "$dir"
  mkdir -p "$dir/data/$bucket"
  log "starting versitygw on $endpoint"
  ROOT_ACCESS_KEY="$access" ROOT_SECRET_KEY="$secret" setsid "$bin" --port "127.0.0.1:$port" posix "$dir/data" \
    >"$dir/log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  for _ in $(seq 1 50); do
    answers && return 0
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
    sleep 0.2
  done
  cat "$dir/log" >&2 || true
  die "versitygw did not answer on $endpoint"
}

stop() {
  if [[ -f $dir/pid ]]; then
    kill "$(cat "$dir/pid")" 2>/dev/null || true
    for _ in $(seq 1 25); do kill -0 "$(cat "$dir/pid")" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$(cat "$dir/pid")" 2>/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  env)
    echo "export C8S_TEST_S3_ENDPOINT=$endpoint C8S_TEST_S3_BUCKET=$bucket C8S_TEST_S3_ACCESS_KEY=$access C8S_TEST_S3_SECRET_KEY=$secret"
    ;;
  status) answers ;;
  stop) stop ;;
  *)
    echo "usage: $0 build|start|env|status|stop" >&2
    exit 2
    ;;
esac
