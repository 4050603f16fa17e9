# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# Shared settings and helpers for tests/cluster/{up,down,status}.
# Sourced, never executed. Callers set `set -euo pipefail` themselves.

CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# --- versions (derived from the committed wrapper modules) -------------------
K8S_VERSION="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" {print $3}' "$CLUSTER_DIR/go/k8s/go.mod")"
ETCD_VERSION="$(awk '$1 == "require" && $2 == "go.etcd.io/etcd/server/v3" {print $3}' "$CLUSTER_DIR/go/etcd/go.mod")"

# --- locations -----------------------------------------------------------------
# CI may run with a bare environment: the cache and Go need a HOME
if [[ -z ${HOME:-} ]]; then
  HOME="$(getent passwd "$(id -u)" | cut -d: -f6)"
  export HOME="${HOME:-/root}"
fi
CACHE="${CINC_SCAN_CACHE:-$HOME/.cache/cinc-scan}"
STATE="${CINC_SCAN_CLUSTER_DIR:-/var/tmp/cinc-scan-cluster}"
K8S_BIN="$CACHE/k8s-$K8S_VERSION/bin"
ETCD_BIN="$CACHE/etcd-$ETCD_VERSION/bin"
LOGS="$STATE/logs"
RUN="$STATE/run"            # pid files
PKI="$STATE/pki"
KUBECONFIG_ADMIN="$STATE/kubeconfig"

# --- cluster parameters --------------------------------------------------------
NODE_NAME="${CINC_SCAN_NODE_NAME:-cinc-node}"
APISERVER_PORT="${CINC_SCAN_APISERVER_PORT:-6443}"
APISERVER_URL="https://127.0.0.1:$APISERVER_PORT"
ETCD_CLIENT_PORT="${CINC_SCAN_ETCD_PORT:-23790}"
ETCD_PEER_PORT="$((ETCD_CLIENT_PORT + 1))"
KCM_PORT=10257             # kube-controller-manager secure port (loopback)
SCHED_PORT=10259           # kube-scheduler secure port (loopback)
KUBELET_PORT=10250
KUBELET_HEALTHZ_PORT=10248
KUBE_PROXY_HEALTHZ_PORT=10256
KUBE_PROXY_METRICS_PORT=10249
SERVICE_CIDR="10.96.0.0/24"
SERVICE_IP="10.96.0.1"
POD_CIDR="10.244.77.0/24"    # only ever lives on the local bridge, no default route
CNI_BRIDGE="cinc0"

# containerd: own config, root and state dirs, own socket
CTRD_ROOT="$STATE/containerd/root"
CTRD_STATE="$STATE/containerd/state"
CTRD_SOCK="/run/cinc-scan-containerd/containerd.sock"
CTRD_CONFIG="$STATE/containerd/config.toml"
RUNC_ROOT="/run/cinc-scan-containerd/runc"
CNI_CONF_DIR="$STATE/cni/net.d"
CNI_BIN_DIR="/usr/lib/cni"
KUBELET_DIR="$STATE/kubelet"
ETCD_DATA="${CINC_SCAN_ETCD_DATA:-/dev/shm/cinc-scan-etcd}"

# images
IMAGE_PREFIX="cinc-scan.local"
IMAGE_TAG="v1"
PAUSE_IMAGE="$IMAGE_PREFIX/pause:$IMAGE_TAG"
IMAGE_NAMES=(pause standard debian distroless-nonroot distroless-root debug)

export GOTOOLCHAIN=local

# --- helpers -------------------------------------------------------------------
log()  { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { log "ERROR: $*"; exit 1; }

# tail_log COMPONENT: print the end of a component log to stderr
tail_log() {
  local f="$LOGS/$1.log"
  if [[ -f $f ]]; then
    printf -- '----- last 40 lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2 || true
    printf -- '----- end of %s -----\n' "$f" >&2
  fi
}

# wait_for DESCRIPTION TIMEOUT_SECONDS COMPONENT CMD...
# Polls CMD (quietly) until it succeeds. On timeout prints the component log and fails.
# If the component has a pid file and its process dies, fails immediately.
wait_for() {
  local what=$1 timeout=$2 comp=$3; shift 3
  local start=$SECONDS
  while true; do
    if "$@" >/dev/null 2>&1; then
      log "$what: ok ($((SECONDS - start))s)"
      return 0
    fi
    if [[ -n $comp && -f $RUN/$comp.pid ]] && ! pid_alive "$comp"; then
      log "$what: $comp exited"
      tail_log "$comp"
      die "$comp is not running"
    fi
    if ((SECONDS - start >= timeout)); then
      log "$what: timed out after ${timeout}s"
      [[ -n $comp ]] && tail_log "$comp"
      die "timed out waiting for: $what"
    fi
    sleep 1
  done
}

pid_of() { [[ -f $RUN/$1.pid ]] && cat "$RUN/$1.pid"; }

# pid_alive COMPONENT: the pid in the pid file is alive and is the binary we started
pid_alive() {
  local pid exe
  pid="$(pid_of "$1" 2>/dev/null)" || return 1
  [[ -n $pid && -d /proc/$pid ]] || return 1
  # guard against pid reuse: the executable must be the one recorded at start
  if [[ -f $RUN/$1.exe ]]; then
    exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
    [[ $exe == "$(cat "$RUN/$1.exe")" ]] || return 1
  fi
  return 0
}

# start_bg COMPONENT BINARY ARGS...: start a daemon in its own session, record pid + exe
start_bg() {
  local comp=$1 bin=$2; shift 2
  mkdir -p "$LOGS" "$RUN"
  {
    printf '\n===== %s starting at %s =====\n' "$comp" "$(date -Is)"
  } >>"$LOGS/$comp.log"
  setsid "$bin" "$@" >>"$LOGS/$comp.log" 2>&1 </dev/null &
  local pid=$! exe i
  exe="$(readlink -f "$bin")"
  echo "$pid" >"$RUN/$comp.pid"
  echo "$exe" >"$RUN/$comp.exe"
  # until the forked shell has exec'd the binary, /proc/<pid>/exe is still bash
  for ((i = 0; i < 200; i++)); do
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$exe" ]] && break
    [[ -d /proc/$pid ]] || break
    sleep 0.05
  done
}

kubectl_admin() { "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
ctr_k8s() { ctr --address "$CTRD_SOCK" -n k8s.io "$@"; }
