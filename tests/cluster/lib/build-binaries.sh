#!/usr/bin/env bash
# Build (or reuse from the cache) the Kubernetes and etcd binaries.
#   lib/build-binaries.sh            build whatever is missing, in the foreground
# Output: $CACHE/k8s-<ver>/bin/{kube-apiserver,kube-controller-manager,kube-scheduler,kubelet,kubectl,kube-proxy}
#         $CACHE/etcd-<ver>/bin/etcd
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

K8S_CMDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl kube-proxy)

# the commands not yet in the cache (a cache made before a command was added gets only
# that command built into it: the binaries already there may be running)
missing_k8s() { local c; for c in "${K8S_CMDS[@]}"; do [[ -x $K8S_BIN/$c ]] || echo "$c"; done; }
have_k8s() { [[ -z $(missing_k8s) ]]; }
have_etcd() { [[ -x $ETCD_BIN/etcd ]]; }

go_env() {
  export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false"
  # go.sum is committed and pins every hash; the checksum DB is often unreachable here.
  export GOSUMDB="${GOSUMDB:-off}"
}

build_etcd() {
  local out="$CACHE/etcd-$ETCD_VERSION" tmp
  tmp="$(mktemp -d "$CACHE/.etcd-build.XXXXXX")"
  log "building etcd $ETCD_VERSION (log: $CACHE/build-etcd.log)"
  local t0=$SECONDS
  (
    cd "$CLUSTER_DIR/go/etcd"
    go_env
    go build -trimpath -o "$tmp/bin/etcd" -ldflags "-s -w" .
  ) >"$CACHE/build-etcd.log" 2>&1 || { tail -n 30 "$CACHE/build-etcd.log" >&2; rm -rf "$tmp"; die "etcd build failed"; }
  rm -rf "$out"; mv "$tmp" "$out"
  log "etcd built in $((SECONDS - t0))s"
}

build_k8s() {
  local out="$CACHE/k8s-$K8S_VERSION" tmp ver=$K8S_VERSION
  tmp="$(mktemp -d "$CACHE/.k8s-build.XXXXXX")"
  local major minor
  major="${ver#v}"; major="${major%%.*}"
  minor="${ver#v*.}"; minor="${minor%%.*}"
  local ld="-s -w"
  local p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$ver -X $p.gitMajor=$major -X $p.gitMinor=$minor"
    ld+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  local pkgs=() c cmds
  mapfile -t cmds < <(missing_k8s)
  for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  log "building kubernetes $ver: ${cmds[*]} (log: $CACHE/build-k8s.log; cold build takes ~6-30 min on 2 cores)"
  local t0=$SECONDS
  (
    cd "$CLUSTER_DIR/go/k8s"
    go_env
    # one invocation: shared packages compile once
    go build -trimpath -o "$tmp/bin/" -ldflags "$ld" "${pkgs[@]}"
  ) >"$CACHE/build-k8s.log" 2>&1 &
  local bpid=$!
  # keep the caller informed while the (long) build runs
  while kill -0 "$bpid" 2>/dev/null; do
    sleep 30
    kill -0 "$bpid" 2>/dev/null && log "  ... still building kubernetes ($((SECONDS - t0))s)"
  done
  if ! wait "$bpid"; then
    tail -n 30 "$CACHE/build-k8s.log" >&2
    rm -rf "$tmp"
    die "kubernetes build failed"
  fi
  mkdir -p "$out/bin"
  for c in "${cmds[@]}"; do mv -f "$tmp/bin/$c" "$out/bin/$c"; done
  rm -rf "$tmp"
  log "kubernetes built in $((SECONDS - t0))s"
}

need_go() {
  if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null 2>&1 || die "Go (1.25 or newer) is needed to build the cluster binaries"
}

mkdir -p "$CACHE"
exec 9>"$CACHE/.build.lock"
flock 9
if have_etcd; then log "etcd $ETCD_VERSION: cached in $ETCD_BIN"; else need_go; build_etcd; fi
if have_k8s; then log "kubernetes $K8S_VERSION: cached in $K8S_BIN"; else need_go; build_k8s; fi
"$K8S_BIN/kubectl" version --client 2>/dev/null | head -n 1 >&2 || true
