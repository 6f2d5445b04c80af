#!/usr/bin/env bash
# A real Docker Engine for c8s tests, started by hand (no systemd on these machines).
#
#   scripts/docker-test-engine.sh start    install if needed, start containerd + dockerd, build images (idempotent)
#   scripts/docker-test-engine.sh env      print `export DOCKER_HOST=unix://...`
#   scripts/docker-test-engine.sh status   exit 0 when the engine answers
#   scripts/docker-test-engine.sh stop     stop dockerd and containerd by PID, unmount, delete the state
#
# Everything lives under ${C8S_DOCKER_DIR:-/tmp/c8s-docker}: private sockets, data roots,
# pid files and logs. Nothing touches /var/run/docker.sock or /var/lib/docker.
#
# Images are built locally, no registry involved (none is reachable here):
#   localhost/c8s-busybox:latest    a rootfs of Debian's busybox-static, `docker import`ed
#   localhost/c8s-debian:bookworm   debootstrap --variant=minbase from the Debian mirror apt uses
#                                   (C8S_DOCKER_DEBIAN=0 skips it; a failure only warns: the Debian
#                                   conformance run then skips; the tarball is cached in
#                                   ${C8S_DOCKER_CACHE:-$HOME/.cache/c8s-docker})
#
# Choices forced by these machines (see docs/docker.md):
#   --iptables=false --ip-masq=false --bridge=none   no iptables/NAT here; sandboxes default to
#                                                    network `none` anyway; user-defined bridge
#                                                    networks (network `group`) still work
#   --default-ulimit nofile/nproc                    the host's rlimits cannot be raised, so the
#                                                    engine's defaults must fit under ours
#   storage driver: overlay2 when it works, vfs otherwise
set -euo pipefail

dir=${C8S_DOCKER_DIR:-/tmp/c8s-docker}
cache=${C8S_DOCKER_CACHE:-$HOME/.cache/c8s-docker}
sock="$dir/docker.sock"
ctr_sock="$dir/containerd/containerd.sock"
BUSYBOX_IMAGE=localhost/c8s-busybox:latest
DEBIAN_IMAGE=localhost/c8s-debian:bookworm

log() { printf '[docker-test-engine] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

docker_cli() { docker -H "unix://$sock" "$@"; }

engine_answers() {
  [[ -S $sock ]] || return 1
  if command -v curl >/dev/null; then
    curl -fsS --max-time 3 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1
  else
    docker_cli version >/dev/null 2>&1
  fi
}

pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v containerd >/dev/null || missing+=(containerd)
  [[ -x /bin/busybox ]] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || missing+=(busybox-static)
  if [[ ${C8S_DOCKER_DEBIAN:-1} != 0 ]]; then command -v debootstrap >/dev/null || missing+=(debootstrap); fi
  command -v file >/dev/null || missing+=(file)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  [[ $(id -u) -eq 0 ]] || die "missing ${missing[*]}; install them as root (apt-get install ${missing[*]})"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >"$dir/apt.log" 2>&1; then
    apt-get update -q >>"$dir/apt.log" 2>&1
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$dir/apt.log" 2>&1 ||
      die "apt-get install failed; see $dir/apt.log"
  fi
}

start_containerd() {
  if pid_alive "$dir/containerd.pid" && [[ -S $ctr_sock ]]; then return 0; fi
  mkdir -p "$dir/containerd/root" "$dir/containerd/state"
  cat >"$dir/containerd/config.toml" <<EOF
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$ctr_sock"
[ttrpc]
  address = "$ctr_sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
  log "starting containerd ($ctr_sock)"
  setsid containerd --config "$dir/containerd/config.toml" >"$dir/containerd.log" 2>&1 </dev/null &
  echo $! >"$dir/containerd.pid"
  for _ in $(seq 1 100); do
    [[ -S $ctr_sock ]] && return 0
    pid_alive "$dir/containerd.pid" || die "containerd exited; see $dir/containerd.log"
    sleep 0.1
  done
  die "containerd did not create $ctr_sock; see $dir/containerd.log"
}

ulimit_value() {
  # The engine's default ulimits must fit under this shell's hard limits (they cannot be raised).
  local soft=$1 hard=$2 want=$3
  [[ $hard == unlimited ]] && hard=$want
  [[ $soft == unlimited || $soft -gt $want ]] && soft=$want
  ((soft > hard)) && soft=$hard
  echo "$soft:$hard"
}

start_dockerd() {
  local driver=$1
  mkdir -p "$dir/data" "$dir/exec"
  echo '{}' >"$dir/daemon.json"
  local nofile nproc
  nofile=$(ulimit_value "$(ulimit -Sn)" "$(ulimit -Hn)" 1024)
  nproc=$(ulimit_value "$(ulimit -Su)" "$(ulimit -Hu)" 4096)
  log "starting dockerd ($sock, storage $driver, ulimits nofile=$nofile nproc=$nproc)"
  setsid dockerd \
    --host "unix://$sock" \
    --config-file "$dir/daemon.json" \
    --data-root "$dir/data" \
    --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" \
    --containerd "$ctr_sock" \
    --storage-driver "$driver" \
    --iptables=false --ip-masq=false --ip-forward=false --bridge=none --userland-proxy=false \
    --exec-opt native.cgroupdriver=cgroupfs \
    --default-ulimit "nofile=$nofile" --default-ulimit "nproc=$nproc" \
    >"$dir/dockerd.log" 2>&1 </dev/null &
  echo $! >"$dir/dockerd.launcher.pid"
  for _ in $(seq 1 150); do
    engine_answers && return 0
    kill -0 "$(cat "$dir/dockerd.launcher.pid")" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

smoke_test() {
  docker_cli run --rm --network none "$BUSYBOX_IMAGE" /bin/true >/dev/null 2>&1
}

build_busybox_image() {
  docker_cli image inspect "$BUSYBOX_IMAGE" >/dev/null 2>&1 && return 0
  log "building $BUSYBOX_IMAGE from $(readlink -f /bin/busybox)"
  local rootfs="$dir/busybox-rootfs"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"/{bin,etc,tmp,root,workspace,proc,sys,dev}
  cp /bin/busybox "$rootfs/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  tar -C "$rootfs" -c . | docker_cli import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' - "$BUSYBOX_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

build_debian_image() {
  [[ ${C8S_DOCKER_DEBIAN:-1} != 0 ]] || return 0
  docker_cli image inspect "$DEBIAN_IMAGE" >/dev/null 2>&1 && return 0
  local tarball="$cache/debian-bookworm-minbase.tar"
  if [[ ! -f $tarball ]]; then
    local mirror
    mirror=$(grep -hoE '^(deb|URIs:) *[^ ]*https?://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
      grep -oE 'https?://[^ ]+' | grep -v security | head -1 || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    log "debootstrap --variant=minbase bookworm from $mirror (cached in $tarball)"
    local target="$dir/debian-rootfs"
    rm -rf "$target"
    mkdir -p "$cache"
    if ! debootstrap --variant=minbase bookworm "$target" "$mirror" >"$dir/debootstrap.log" 2>&1; then
      log "warning: debootstrap failed (see $dir/debootstrap.log); $DEBIAN_IMAGE is not built"
      rm -rf "$target"
      return 0
    fi
    mkdir -p "$target/workspace"
    tar -C "$target" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
    rm -rf "$target"
  fi
  log "importing $DEBIAN_IMAGE"
  docker_cli import --change 'CMD ["/bin/bash"]' "$tarball" "$DEBIAN_IMAGE" >/dev/null
}

cmd_start() {
  mkdir -p "$dir"
  install_packages
  if engine_answers; then
    log "engine already answers on $sock"
  else
    start_containerd
    local driver=${C8S_DOCKER_STORAGE_DRIVER:-}
    if [[ -z $driver ]]; then
      driver=overlay2
      [[ -f $dir/storage-driver ]] && driver=$(cat "$dir/storage-driver")
    fi
    if ! start_dockerd "$driver"; then
      stop_dockerd
      [[ $driver == vfs ]] && die "dockerd did not answer; see $dir/dockerd.log"
      log "dockerd failed with $driver; retrying with vfs"
      driver=vfs
      rm -rf "$dir/data"
      start_dockerd vfs || die "dockerd did not answer; see $dir/dockerd.log"
    fi
    echo "$driver" >"$dir/storage-driver"
  fi
  build_busybox_image
  if ! smoke_test && [[ $(cat "$dir/storage-driver" 2>/dev/null) != vfs && -z ${C8S_DOCKER_STORAGE_DRIVER:-} ]]; then
    log "a container did not run on $(cat "$dir/storage-driver"); restarting dockerd with vfs"
    stop_dockerd
    rm -rf "$dir/data"
    start_dockerd vfs || die "dockerd did not answer; see $dir/dockerd.log"
    echo vfs >"$dir/storage-driver"
    build_busybox_image
  fi
  smoke_test || die "a container does not run; see $dir/dockerd.log and $dir/containerd.log"
  build_debian_image || log "warning: $DEBIAN_IMAGE could not be built"
  log "ready: DOCKER_HOST=unix://$sock"
}

stop_pidfile() {
  local file=$1 name=$2 pid
  [[ -f $file ]] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop_dockerd() {
  if engine_answers; then
    # Containers first, so their shims exit with them.
    local ids
    ids=$(docker_cli ps -aq 2>/dev/null || true)
    [[ -n $ids ]] && docker_cli rm -f $ids >/dev/null 2>&1 || true
  fi
  stop_pidfile "$dir/dockerd.launcher.pid" dockerd
  rm -f "$dir/dockerd.pid" "$sock"
}

unmount_under() {
  # Deepest first. Mounts left behind by a killed engine would keep the directory busy.
  local target
  local targets
  targets=$(grep -oE " $1(/[^ ]*)?" /proc/self/mounts 2>/dev/null | sed 's/^ //' | sort -r || true)
  for target in $targets; do
    umount -l "$target" 2>/dev/null || true
  done
}

cmd_stop() {
  [[ -d $dir ]] || return 0
  stop_dockerd
  # Shims of containers that survived (engine killed): end them by their pid files.
  local shim
  for shim in $(find "$dir/containerd/state" -name 'shim.pid' -o -name 'init.pid' 2>/dev/null); do
    kill -KILL "$(cat "$shim")" 2>/dev/null || true
  done
  stop_pidfile "$dir/containerd.pid" containerd
  unmount_under "$dir"
  rm -rf "$dir"
  log "stopped"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) echo "export DOCKER_HOST=unix://$sock" ;;
  status)
    if engine_answers; then
      echo "running: unix://$sock ($(cat "$dir/storage-driver" 2>/dev/null || echo '?'))"
    else
      echo "not running"
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 start|stop|env|status" >&2
    exit 2
    ;;
esac
