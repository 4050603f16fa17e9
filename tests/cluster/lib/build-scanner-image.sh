#!/usr/bin/env bash
# Build the scanner image localhost/cinc-scan-scanner:dev from the repository's Containerfile
# (FROM scratch + the static binary) with umoci and skopeo, no container engine and no
# registry, and import it into the test cluster's containerd (when it runs).
#   lib/build-scanner-image.sh [BINARY]
# Without BINARY the static release binary is built first, exactly as krew/release builds it
# (same flags and commit, so krew-check reuses it). The image is cached by the sha256 of the
# binary: $CACHE/scanner-<sha12>.tar; its path is printed on stdout.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

REPO="$(cd "$CLUSTER_DIR/../.." && pwd)"
SCANNER_IMAGE="${CINC_SCAN_SCANNER_IMAGE:-localhost/cinc-scan-scanner:dev}"
CONTAINERFILE="$REPO/Containerfile"

static_binary() {
  local target=x86_64-unknown-linux-gnu commit
  [[ $(uname -m) == x86_64 ]] || target=aarch64-unknown-linux-gnu
  commit=${CINC_SCAN_GIT_COMMIT:-}
  if [[ -z $commit ]]; then
    commit=$(git -C "$REPO" rev-parse --short=12 HEAD)
    if [[ -n $(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
      commit+=-dirty
    fi
  fi
  log "scanner: static release build of kubectl-cinc_scan ($target, commit $commit)"
  (cd "$REPO" && CINC_SCAN_GIT_COMMIT=$commit \
    RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static --cfg getrandom_backend=\"linux_getrandom\"" \
    cargo build --release --locked --target "$target" >&2)
  echo "${CARGO_TARGET_DIR:-$REPO/target}/$target/release/kubectl-cinc_scan"
}

# The Containerfile's instructions, read so the image here and a `podman build` agree.
containerfile_value() { # KEYWORD -> the rest of its line
  awk -v k="$1" '$1 == k {sub("^[ \t]*" k "[ \t]+", ""); print; exit}' "$CONTAINERFILE"
}

bin=${1:-}
[[ -n $bin ]] || bin=$(static_binary)
[[ -x $bin ]] || die "no executable binary at $bin"
file -L "$bin" | grep -Eq 'static(ally|-pie) linked' || die "$bin is not statically linked: $(file -L "$bin")"

[[ $(containerfile_value FROM) == scratch ]] || die "$CONTAINERFILE must build FROM scratch"
read -r copy_src copy_dest <<<"$(containerfile_value COPY)"
[[ $copy_src == kubectl-cinc_scan && $copy_dest == /* ]] || die "$CONTAINERFILE: expected COPY kubectl-cinc_scan /PATH"
user=$(containerfile_value USER)
mapfile -t entrypoint < <(containerfile_value ENTRYPOINT | jq -r '.[]')
mapfile -t cmd < <(containerfile_value CMD | jq -r '.[]')
[[ ${#entrypoint[@]} -gt 0 ]] || die "$CONTAINERFILE has no ENTRYPOINT [\"...\"]"

sha=$( (sha256sum "$bin" | cut -c1-64; cat "$CONTAINERFILE") | sha256sum | cut -c1-12)
mkdir -p "$CACHE"
tar_path="$CACHE/scanner-$sha.tar"
exec 8>"$CACHE/.scanner-image.lock"
flock 8
if [[ ! -s $tar_path ]]; then
  work=$(mktemp -d /var/tmp/cinc-scan-scanner.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  tag=${SCANNER_IMAGE##*:}
  umoci init --layout "$work/layout"
  umoci new --image "$work/layout:$tag"
  umoci unpack --image "$work/layout:$tag" "$work/bundle" >/dev/null
  install -m 0755 "$bin" "$work/bundle/rootfs$copy_dest"
  umoci repack --image "$work/layout:$tag" "$work/bundle" >/dev/null
  cfg=(--image "$work/layout:$tag" --config.user "$user" --author "cinc-scan Containerfile"
    --created "2024-01-01T00:00:00Z")
  for a in "${entrypoint[@]}"; do cfg+=(--config.entrypoint "$a"); done
  for a in "${cmd[@]}"; do cfg+=(--config.cmd "$a"); done
  umoci config "${cfg[@]}"
  umoci gc --layout "$work/layout"
  skopeo copy --quiet "oci:$work/layout:$tag" "docker-archive:$tar_path.tmp:$SCANNER_IMAGE"
  mv "$tar_path.tmp" "$tar_path"
  log "scanner: image $SCANNER_IMAGE built ($(du -h "$tar_path" | cut -f1), binary $(stat -c %s "$bin") bytes)"
else
  log "scanner: image cached in $tar_path"
fi

if pid_alive containerd 2>/dev/null || ctr --address "$CTRD_SOCK" version >/dev/null 2>&1; then
  stamp="$STATE/containerd/imported-scanner"
  if [[ -f $stamp && $(cat "$stamp") == "$tar_path" ]] && ctr_k8s images ls -q | grep -qx "$SCANNER_IMAGE"; then
    log "scanner: $SCANNER_IMAGE already imported"
  else
    ctr_k8s images import --no-unpack=false "$tar_path" >/dev/null
    ctr_k8s images ls -q | grep -qx "$SCANNER_IMAGE" || die "$SCANNER_IMAGE missing after import"
    mkdir -p "$STATE/containerd"
    echo "$tar_path" >"$stamp"
    log "scanner: imported $SCANNER_IMAGE into containerd"
  fi
fi
echo "$tar_path"
