#!/usr/bin/env bash
# A real Podman for c8s tests: Podman's Docker-compatible API service, started by hand as
# root (no systemd on these machines), for running the docker runtime's tests against Podman.
#
#   scripts/podman-test-engine.sh start    install if needed, start `podman system service`, build the image (idempotent)
#   scripts/podman-test-engine.sh env      print `export C8S_PODMAN_HOST=unix://...`
#   scripts/podman-test-engine.sh status   exit 0 when the service answers
#   scripts/podman-test-engine.sh stop     remove containers, stop the service and leftover conmons by PID,
#                                          unmount, delete the state
#
# Everything lives under ${C8S_PODMAN_DIR:-/tmp/c8s-podman}: the socket, containers.conf and
# storage.conf (passed as CONTAINERS_CONF / CONTAINERS_STORAGE_CONF), the storage root, run
# root, volumes, network configs, events log, pid file and logs: nothing in /var/lib/containers/storage,
# /run/libpod or /etc/containers/networks. Two host paths Podman 4.3 hard-codes as root
# (/var/lib/containers/cache, /run/containers/networks) are removed by `stop` when `start` created them.
#
# Image, built locally (no registry is reachable here), the same way as the docker script:
#   localhost/c8s-busybox:latest    a rootfs of Debian's busybox-static, `podman import`ed
#
# Choices forced by these machines (see docs/docker.md, "Podman"):
#   cgroup_manager = cgroupfs, events_logger = file    no systemd, no journald
#   default_ulimits nofile/nproc                       the host's rlimits cannot be raised, so the
#                                                      containers' defaults must fit under ours
#   init_path = catatonit                              `Init: true` (what c8s asks for) runs it as PID 1
#   network backend: netavark, cni when netavark does not work (sandboxes use network `none`
#                    or join a holder's namespace; no bridge network is ever created)
#   storage driver: overlay when a container runs on it, vfs otherwise
set -euo pipefail

dir=${C8S_PODMAN_DIR:-/tmp/c8s-podman}
sock="$dir/podman.sock"
BUSYBOX_IMAGE=localhost/c8s-busybox:latest

log() { printf '[podman-test-engine] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

export CONTAINERS_CONF="$dir/containers.conf"
export CONTAINERS_STORAGE_CONF="$dir/storage.conf"
podman_cli() { podman --root "$dir/storage" --runroot "$dir/run" "$@"; }

engine_answers() {
  [[ -S $sock ]] || return 1
  curl -fsS --max-time 3 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1
}

pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_packages() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  [[ -x /usr/bin/catatonit || -x /usr/libexec/podman/catatonit ]] || missing+=(catatonit)
  [[ -x /usr/bin/busybox ]] && file -L /usr/bin/busybox 2>/dev/null | grep -q 'statically linked' || missing+=(busybox-static)
  command -v file >/dev/null || missing+=(file)
  command -v curl >/dev/null || missing+=(curl)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  [[ $(id -u) -eq 0 ]] || die "missing ${missing[*]}; install them as root (apt-get install ${missing[*]})"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q "${missing[@]}" >"$dir/apt.log" 2>&1; then
    apt-get update -q >>"$dir/apt.log" 2>&1
    apt-get install -y -q "${missing[@]}" >>"$dir/apt.log" 2>&1 || die "apt-get install failed; see $dir/apt.log"
  fi
}

ulimit_value() {
  # The containers' default ulimits must fit under this shell's hard limits (they cannot be raised).
  local soft=$1 hard=$2 want=$3
  [[ $hard == unlimited ]] && hard=$want
  [[ $soft == unlimited || $soft -gt $want ]] && soft=$want
  ((soft > hard)) && soft=$hard
  echo "$soft:$hard"
}

write_config() {
  local driver=$1 backend=$2 init runtime nofile nproc
  init=$(command -v catatonit || echo /usr/libexec/podman/catatonit)
  runtime=$(command -v crun >/dev/null && echo crun || echo runc)
  nofile=$(ulimit_value "$(ulimit -Sn)" "$(ulimit -Hn)" 1024)
  # Podman (4.3) lowers its own RLIMIT_NPROC to 32768 at start-up, and conmon/runc inherit that:
  # a container hard limit above it fails with "error setting rlimit type 6: operation not permitted".
  local nproc_hard
  nproc_hard=$(ulimit -Hu)
  [[ $nproc_hard == unlimited || $nproc_hard -gt 32768 ]] && nproc_hard=32768
  nproc=$(ulimit_value "$(ulimit -Su)" "$nproc_hard" 4096)
  mkdir -p "$dir/storage" "$dir/run" "$dir/tmp" "$dir/volumes" "$dir/networks"
  # soft == hard: Podman 4.3's Docker-compatible API applies default_ulimits with soft and hard
  # swapped (soft 20000 > hard 1024 → "error setting rlimit type 7: invalid argument").
  nofile=${nofile%%:*}:${nofile%%:*}
  nproc=${nproc%%:*}:${nproc%%:*}
  cat >"$dir/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile", "nproc=$nproc"]
init_path = "$init"
log_driver = "k8s-file"

[engine]
# Every exec's conmon pair waits this long before cleaning the exec session up (default 300 s,
# "Docker's exec retention"): two processes per exec for 5 minutes. c8s reads an exec's exit
# code as soon as its output ends, so 30 s is plenty.
exit_command_delay = 30
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/events.log"
runtime = "$runtime"
tmp_dir = "$dir/tmp"
static_dir = "$dir/storage/libpod"
volume_path = "$dir/volumes"

[network]
network_backend = "$backend"
network_config_dir = "$dir/networks"
EOF
  cat >"$dir/storage.conf" <<EOF
[storage]
driver = "$driver"
graphroot = "$dir/storage"
runroot = "$dir/run"
EOF
  echo "$driver $backend" >"$dir/config"
}

start_service() {
  log "starting podman system service ($sock, $(cat "$dir/config"))"
  # Run from the private dir: conmon writes files such as `oom` into its working directory.
  (cd "$dir" && exec setsid podman --root "$dir/storage" --runroot "$dir/run" \
    system service --time=0 "unix://$sock" >"$dir/podman.log" 2>&1 </dev/null) &
  echo $! >"$dir/podman.pid"
  for _ in $(seq 1 150); do
    engine_answers && return 0
    pid_alive "$dir/podman.pid" || return 1
    sleep 0.2
  done
  return 1
}

smoke_test() {
  podman_cli run --rm --network none "$BUSYBOX_IMAGE" /bin/true >>"$dir/smoke.log" 2>&1
}

build_busybox_image() {
  podman_cli image exists "$BUSYBOX_IMAGE" && return 0
  log "building $BUSYBOX_IMAGE from $(readlink -f /usr/bin/busybox)"
  local rootfs="$dir/busybox-rootfs"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"/{bin,etc,tmp,root,workspace,proc,sys,dev}
  cp /usr/bin/busybox "$rootfs/bin/busybox"
  local applet
  for applet in $(/usr/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  tar -C "$rootfs" -c . | podman_cli import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' - "$BUSYBOX_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

# Writes the config for a storage driver and the first network backend podman accepts.
configure() {
  local driver=$1 backend
  for backend in ${C8S_PODMAN_NETWORK_BACKEND:-netavark cni}; do
    write_config "$driver" "$backend"
    podman_cli info >"$dir/info.log" 2>&1 && return 0
    log "podman does not work with network backend $backend (see $dir/info.log)"
  done
  die "podman info failed with every network backend; see $dir/info.log"
}

# Podman 4.3 as root writes two host paths whatever its configuration says: the blob-info
# cache (/var/lib/containers/cache, containers/image's default) and netavark's lock/run
# directory (/run/containers/networks). Recorded when this script creates them; stop removes them.
# Its lock segment /dev/shm/libpod_lock likewise.
HOST_PATHS=(/var/lib/containers /run/containers /dev/shm/libpod_lock)
note_host_paths() {
  local path
  for path in "${HOST_PATHS[@]}"; do
    [[ -e $path ]] || echo "$path" >>"$dir/host-paths"
  done
}

cmd_start() {
  mkdir -p "$dir"
  [[ -f $dir/host-paths ]] || { : >"$dir/host-paths" && note_host_paths; }
  install_packages
  if engine_answers; then
    log "service already answers on $sock"
  else
    local driver=${C8S_PODMAN_STORAGE_DRIVER:-overlay}
    [[ -f $dir/config && -z ${C8S_PODMAN_STORAGE_DRIVER:-} ]] && driver=$(cut -d' ' -f1 "$dir/config")
    configure "$driver"
    build_busybox_image
    if ! smoke_test; then
      [[ $driver == vfs || -n ${C8S_PODMAN_STORAGE_DRIVER:-} ]] && die "a container does not run; see $dir/smoke.log"
      log "a container did not run on $driver (see $dir/smoke.log); retrying with vfs"
      podman_cli system reset --force >/dev/null 2>&1 || true
      unmount_under "$dir/storage"
      rm -rf "$dir/storage" "$dir/run"
      configure vfs
      build_busybox_image
      smoke_test || die "a container does not run on vfs either; see $dir/smoke.log"
    fi
    start_service || die "the podman service did not answer; see $dir/podman.log"
  fi
  build_busybox_image
  log "ready: C8S_PODMAN_HOST=unix://$sock (DOCKER_HOST works too)"
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

unmount_under() {
  # Deepest first. Mounts left behind (overlay layers, shm) would keep the directory busy.
  local target targets
  targets=$(grep -oE " $1(/[^ ]*)?" /proc/self/mounts 2>/dev/null | sed 's/^ //' | sort -r || true)
  for target in $targets; do
    umount -l "$target" 2>/dev/null || true
  done
}

cmd_stop() {
  [[ -d $dir ]] || return 0
  if [[ -f $dir/containers.conf ]]; then
    # Containers first (through the same storage), so their conmons exit with them.
    podman_cli rm -af -t 0 >/dev/null 2>&1 || true
  fi
  stop_pidfile "$dir/podman.pid" "podman system service"
  # conmons that survived (containers left by a killed service, exec sessions waiting out
  # exit_command_delay — they would run `podman container cleanup` on this root later): end
  # each by PID, found by the private root in its command line.
  local proc pid
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    if { tr '\000' ' ' <"$proc/cmdline"; } 2>/dev/null | grep -q "^/usr/bin/conmon .*-b $dir/storage/"; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  unmount_under "$dir"
  local path
  if [[ -f $dir/host-paths ]]; then
    while read -r path; do
      [[ -n $path ]] && rm -rf "$path"
    done <"$dir/host-paths"
  fi
  rm -rf "$dir"
  log "stopped"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) echo "export C8S_PODMAN_HOST=unix://$sock" ;;
  status)
    if engine_answers; then
      echo "running: unix://$sock ($(cat "$dir/config" 2>/dev/null || echo '?'))"
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
