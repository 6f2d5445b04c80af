#!/usr/bin/env bash
# A real Kubernetes control plane for c8s tests, with no container engine.
#
#   scripts/k8s-test-cluster.sh build    build the binaries into the cache (once per version set)
#   scripts/k8s-test-cluster.sh build-helm  build only helm (for the chart tests)
#   scripts/k8s-test-cluster.sh start    build if needed, then start the cluster (idempotent)
#   scripts/k8s-test-cluster.sh env      print `export KUBECONFIG=...` (and C8S_HELM=... once built)
#   scripts/k8s-test-cluster.sh status   exit 0 when the API server answers
#   scripts/k8s-test-cluster.sh stop     stop and delete the cluster
#
# kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and etcd are built with
# `go build` from the Go module proxy (wrapper module scripts/k8s/go.mod), KWOK from
# scripts/k8s/kwok/go.mod. Binaries are cached outside the repository in
# ${C8S_K8S_CACHE:-$HOME/.cache/c8s-k8s}/<versions>/bin and never committed.
# Pods are simulated by KWOK: exec and logs through the API server run local processes
# (ClusterExec/ClusterLogs in scripts/k8s/kwok.yaml); there is no container isolation.
set -euo pipefail

K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.8
KWOK_VERSION=v0.8.0
HELM_VERSION=v3.22.0
CLUSTER=${C8S_K8S_CLUSTER:-c8s-test}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
wrapper="$here/k8s"
cache_root=${C8S_K8S_CACHE:-$HOME/.cache/c8s-k8s}
key="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
cache="$cache_root/$key"
bin="$cache/bin"
# helm has its own version key, so a helm upgrade never rebuilds the control plane.
helm_cache="$cache_root/helm-${HELM_VERSION}"
helm_bin="$helm_cache/bin/helm"
# kwokctl keeps its clusters under $KWOK_WORKDIR; keep it in the cache, keyed by versions.
export KWOK_WORKDIR="$cache/kwok"
kubeconfig="$KWOK_WORKDIR/clusters/$CLUSTER/kubeconfig.yaml"

log() { printf '[k8s-test-cluster] %s\n' "$*" >&2; }

go_env() {
  # The checksum database is not reachable here; go.sum (committed) pins the hashes.
  export GOSUMDB=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
}

# Every binary the cluster and its tests need is in the cache.
complete() {
  [[ -x "$bin/kube-apiserver" && -x "$bin/kube-controller-manager" && -x "$bin/kube-scheduler" \
    && -x "$bin/kubectl" && -x "$bin/etcd" && -x "$bin/kwok" && -x "$bin/kwokctl" && -f "$cache/stages/.complete" \
    && -x "$helm_bin" ]]
}

build() {
  complete && return 0
  build_cluster
  build_helm
}

build_helm() {
  [[ -x "$helm_bin" ]] && return 0
  command -v go >/dev/null || { log "go is required to build helm"; exit 1; }
  go_env
  local start=$SECONDS k8s_minor ld
  # `helm template` assumes the Kubernetes version of its client libraries unless told.
  k8s_minor=$(cd "$wrapper/helm" && go list -m -f '{{.Version}}' k8s.io/client-go)
  k8s_minor=${k8s_minor#v0.}
  k8s_minor=${k8s_minor%%.*}
  ld="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  ld+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean -X helm.sh/helm/v3/internal/version.gitCommit=c8s-go-proxy-build"
  ld+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor"
  ld+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor"
  log "building helm $HELM_VERSION"
  rm -rf "$helm_cache/bin.tmp" && mkdir -p "$helm_cache/bin.tmp" "$helm_cache/bin"
  (cd "$wrapper/helm" && CGO_ENABLED=0 nice -n 19 go build -p "${C8S_K8S_BUILD_JOBS:-2}" -trimpath -ldflags "$ld" \
    -o "$helm_cache/bin.tmp/helm" helm.sh/helm/v3/cmd/helm)
  mv "$helm_cache/bin.tmp/helm" "$helm_bin"
  rm -rf "$helm_cache/bin.tmp"
  log "built helm in $((SECONDS - start)) s into $helm_bin"
}

build_cluster() {
  if [[ -x "$bin/kube-apiserver" && -x "$bin/kube-controller-manager" && -x "$bin/kube-scheduler" \
    && -x "$bin/kubectl" && -x "$bin/etcd" && -x "$bin/kwok" && -x "$bin/kwokctl" && -f "$cache/stages/.complete" ]]; then
    return 0
  fi
  command -v go >/dev/null || { log "go is required to build the test cluster"; exit 1; }
  go_env
  mkdir -p "$bin"
  local start=$SECONDS minor=${K8S_VERSION#v1.} date
  minor=${minor%%.*}
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date -X $pkg.gitCommit=c8s-go-proxy-build"
  done
  local jobs=${C8S_K8S_BUILD_JOBS:-2} cmd
  # One `go build` per module: shared packages compile once and the links run in parallel.
  local control=()
  for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    [[ -x "$bin/$cmd" ]] || control+=("k8s.io/kubernetes/cmd/$cmd")
  done
  [[ -x "$bin/etcd" ]] || control+=(./cmd/etcd)
  rm -rf "$cache/bin.tmp" && mkdir -p "$cache/bin.tmp"
  if ((${#control[@]} > 0)); then
    log "building ${control[*]} (kubernetes $K8S_VERSION, etcd $ETCD_VERSION)"
    (cd "$wrapper" && CGO_ENABLED=0 nice -n 19 go build -p "$jobs" -trimpath -ldflags "$ld" \
      -o "$cache/bin.tmp/" "${control[@]}")
  fi
  local tools=()
  for cmd in kwok kwokctl; do [[ -x "$bin/$cmd" ]] || tools+=("sigs.k8s.io/kwok/cmd/$cmd"); done
  if ((${#tools[@]} > 0)); then
    log "building ${tools[*]} (kwok $KWOK_VERSION)"
    (cd "$wrapper/kwok" && CGO_ENABLED=0 nice -n 19 go build -p "$jobs" -trimpath -ldflags "-s -w" \
      -o "$cache/bin.tmp/" "${tools[@]}")
  fi
  # Only complete binaries ever land in bin/.
  for f in "$cache"/bin.tmp/*; do [[ -f "$f" ]] && mv "$f" "$bin/"; done
  rm -rf "$cache/bin.tmp"
  # KWOK's own stages, taken from the module that was just built (see scripts/k8s/kwok.yaml).
  local kwok_dir
  kwok_dir=$(cd "$wrapper/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  mkdir -p "$cache/stages"
  cp "$kwok_dir/kustomize/stage/node/fast/node-initialize.yaml" \
    "$kwok_dir/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
    "$kwok_dir/kustomize/stage/pod/general/pod-create.yaml" \
    "$kwok_dir/kustomize/stage/pod/general/pod-ready.yaml" \
    "$kwok_dir/kustomize/stage/pod/general/pod-delete.yaml" \
    "$kwok_dir/kustomize/stage/pod/general/pod-init-container-running.yaml" \
    "$kwok_dir/kustomize/stage/pod/general/pod-init-container-completed.yaml" \
    "$cache/stages/"
  chmod -R u+w "$cache/stages"
  # Simulated pods start and go at once: KWOK's default 1-5 s random delays would only add
  # noise to tests and benchmarks of c8s's own path (API calls, watches, exec).
  sed -i -E 's/^( *)(durationMilliseconds|jitterDurationMilliseconds): [0-9]+$/\1\2: 0/' "$cache"/stages/pod-*.yaml
  touch "$cache/stages/.complete"
  log "built in $((SECONDS - start)) s into $bin"
}

kubectl_() { "$bin/kubectl" --kubeconfig "$kubeconfig" "$@"; }

healthy() {
  [[ -f "$kubeconfig" && -x "$bin/kubectl" ]] && kubectl_ get --raw /readyz >/dev/null 2>&1
}

# The kwokctl configuration: scripts/k8s/kwok.yaml plus the stages copied at build time.
write_config() {
  local config="$cache/kwok-config.yaml" logs="$cache/pod.log"
  : >>"$logs"
  sed -e "s|@LOGS_FILE@|$logs|" -e "s|@KUBECTL@|$bin/kubectl|" -e "s|@KUBE_VERSION@|$K8S_VERSION|" "$wrapper/kwok.yaml" >"$config"
  for f in "$cache"/stages/*.yaml; do
    printf -- '---\n' >>"$config"
    cat "$f" >>"$config"
  done
  echo "$config"
}

wait_ready() {
  local i
  for i in $(seq 1 120); do
    if healthy && kubectl_ get serviceaccount default -n default >/dev/null 2>&1 \
      && kubectl_ wait --for=condition=Ready node --all --timeout=1s >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  log "the cluster did not become ready; logs: $KWOK_WORKDIR/clusters/$CLUSTER/logs"
  return 1
}

start() {
  build
  if healthy; then
    log "cluster $CLUSTER already running"
    return 0
  fi
  local start=$SECONDS
  if [[ -d "$KWOK_WORKDIR/clusters/$CLUSTER" ]]; then
    log "restarting cluster $CLUSTER"
    if ! "$bin/kwokctl" start cluster --name "$CLUSTER" >&2 || ! wait_ready; then
      log "restart failed; recreating"
      stop
    fi
  fi
  if ! healthy; then
    log "creating cluster $CLUSTER"
    local config
    config=$(write_config)
    "$bin/kwokctl" create cluster --name "$CLUSTER" --runtime binary --config "$config" \
      --kubeconfig "$(scratch_kubeconfig)" \
      --kube-apiserver-binary "$bin/kube-apiserver" \
      --kube-controller-manager-binary "$bin/kube-controller-manager" \
      --kube-scheduler-binary "$bin/kube-scheduler" \
      --kwok-controller-binary "$bin/kwok" \
      --etcd-binary "$bin/etcd" \
      --timeout 5m --wait 2m >&2
    kubectl_ apply -f "$wrapper/node.yaml" >&2
    wait_ready
  fi
  log "cluster $CLUSTER ready in $((SECONDS - start)) s; KUBECONFIG=$kubeconfig"
}

# kwokctl wants a kubeconfig to remove its context from; never the user's own.
scratch_kubeconfig() { : >"$cache/scratch-kubeconfig.yaml"; echo "$cache/scratch-kubeconfig.yaml"; }

# Ends the cluster's processes by the pid files kwokctl keeps (when kwokctl could not).
kill_leftovers() {
  local dir="$KWOK_WORKDIR/clusters/$CLUSTER/pids" f pid
  [[ -d "$dir" ]] || return 0
  for f in "$dir"/*.pid; do
    [[ -f "$f" ]] || continue
    pid=$(cat "$f")
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null \
      && grep -q "$KWOK_WORKDIR/clusters/$CLUSTER" "/proc/$pid/cmdline" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
    fi
  done
}

stop() {
  if [[ -x "$bin/kwokctl" && -d "$KWOK_WORKDIR/clusters/$CLUSTER" ]]; then
    "$bin/kwokctl" delete cluster --name "$CLUSTER" --kubeconfig "$(scratch_kubeconfig)" >&2 || true
  fi
  kill_leftovers
  rm -rf "$KWOK_WORKDIR/clusters/$CLUSTER"
}

case "${1:-}" in
  build) build ;;
  build-helm) build_helm ;;
  start) start ;;
  stop) stop ;;
  env)
    echo "export KUBECONFIG=$kubeconfig"
    if [[ -x "$helm_bin" ]]; then echo "export C8S_HELM=$helm_bin"; fi
    ;;
  status)
    if healthy; then echo "running: KUBECONFIG=$kubeconfig"; else echo "not running"; exit 1; fi
    ;;
  *) echo "usage: $0 build|build-helm|start|stop|env|status" >&2; exit 2 ;;
esac
