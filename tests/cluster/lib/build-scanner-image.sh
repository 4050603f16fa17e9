#!/usr/bin/env bash
# Build the scanner image and import it into the test cluster's containerd:
# the plugin's static binary at /kubectl-cinc_scan in a FROM scratch image
# (scanner/Containerfile says the same), tagged localhost/cinc-scan-scanner:dev.
#   lib/build-scanner-image.sh     build (cargo's own cache), import when the binary changed
# Prints the image reference on stdout.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

REPO="$(cd "$CLUSTER_DIR/../.." && pwd)"
REF="${CINC_SCAN_SCANNER_IMAGE:-localhost/cinc-scan-scanner:dev}"
TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"

# a static glibc binary (crt-static); --target keeps build scripts and proc macros dynamic
log "scanner image: building the static binary (cargo build --release --target $TRIPLE)"
t0=$SECONDS
RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
  cargo build --quiet --release --locked --target "$TRIPLE" --manifest-path "$REPO/Cargo.toml" >&2
BIN="$REPO/target/$TRIPLE/release/kubectl-cinc_scan"
if readelf -l "$BIN" 2>/dev/null | grep -q 'Requesting program interpreter'; then
  die "$BIN is not static (it names a program interpreter)"
fi
log "scanner image: binary ready in $((SECONDS - t0))s ($(du -h "$BIN" | cut -f1))"

HASH="$( (cat "$BIN" "$CLUSTER_DIR/scanner/Containerfile" "$0"; echo "$REF") | sha256sum | cut -c1-16)"
mkdir -p "$CACHE"
TAR="$CACHE/scanner-image-$HASH.tar"
if [[ ! -s $TAR ]]; then
  work="$(mktemp -d /var/tmp/cinc-scan-scanner.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/rootfs/etc"
  install -m 0755 "$BIN" "$work/rootfs/kubectl-cinc_scan"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$work/rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$work/rootfs/etc/group"
  umoci init --layout "$work/layout"
  umoci new --image "$work/layout:dev"
  umoci unpack --image "$work/layout:dev" "$work/bundle" >/dev/null
  rm -rf "$work/bundle/rootfs"
  cp -a "$work/rootfs" "$work/bundle/rootfs"
  umoci repack --image "$work/layout:dev" "$work/bundle" >/dev/null
  umoci config --image "$work/layout:dev" --config.user 65532:65532 --config.workingdir / \
    --config.entrypoint /kubectl-cinc_scan --author "cinc-scan tests/cluster" --created "2024-01-01T00:00:00Z"
  umoci gc --layout "$work/layout"
  skopeo copy --quiet "oci:$work/layout:dev" "docker-archive:$TAR.tmp:$REF"
  mv "$TAR.tmp" "$TAR"
  log "scanner image: $TAR ($(du -h "$TAR" | cut -f1))"
fi

stamp="$STATE/containerd/imported-scanner-image-${REF//[^a-zA-Z0-9._-]/_}"
if ! ctr_k8s images ls -q 2>/dev/null | grep -qx "$REF" || [[ ! -f $stamp || $(cat "$stamp") != "$TAR" ]]; then
  log "scanner image: importing $REF"
  ctr_k8s images import --no-unpack=false "$TAR" >/dev/null
  echo "$TAR" >"$stamp"
fi
echo "$REF"
