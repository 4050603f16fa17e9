#!/usr/bin/env bash
# Build the test images locally (no registry) as docker-archive tarballs, cached
# by a hash of the build inputs:  $CACHE/images-<hash>/<name>.tar
#   lib/build-images.sh           build missing images, print the image dir on stdout
# Images (all tagged cinc-scan.local/<name>:v1):
#   pause               static pause binary (pod sandbox image)
#   standard            busybox-static + realistic /etc, runs as uid 1000
#   debian              debootstrap --variant=minbase bookworm (real dpkg db), sleep infinity
#   distroless-nonroot  one static binary + /etc/passwd,group, uid 65532, no shell
#   distroless-root     the same, uid 0
#   debug               busybox-static, root, for `kubectl debug`
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

inputs_hash() {
  (cd "$CLUSTER_DIR" && cat lib/build-images.sh images/*) | sha256sum | cut -c1-12
}

IMG_DIR="$CACHE/images-$(inputs_hash)"

# The Debian mirror this machine's apt uses (deb822 .sources or one-line .list files); never a
# hard-coded host: without one configured, say so and stop.
debian_mirror() {
  local m="" f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    m="$(awk '/^URIs:/ && !/security/ {print $2; exit}' "$f")"
    [[ -n $m ]] && break
  done
  if [[ -z $m ]]; then
    m="$(grep -hE '^deb +(\[[^]]*\] +)?https?://' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      grep -v security | sed -E 's/^deb +(\[[^]]*\] +)?//' | awk '{print $1; exit}')" || true
  fi
  if [[ -z $m ]]; then
    die "no Debian mirror in this machine's apt sources (/etc/apt/sources.list{,.d/}); configure apt first (the debian test image is built with debootstrap from that mirror)"
  fi
  echo "$m"
}

# --- rootfs helpers ------------------------------------------------------------
busybox_rootfs() { # ROOT: busybox-static with every applet linked under /bin
  local root=$1 a
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,home,proc,sys,dev,run}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  chmod 0700 "$root/root"
  install -m 0755 /bin/busybox "$root/bin/busybox"
  for a in $(/bin/busybox --list); do
    [[ $a == busybox ]] && continue
    [[ -e $root/bin/$a ]] || ln -s busybox "$root/bin/$a"
  done
}

write_etc_standard() {
  local root=$1
  cat >"$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:65534:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
app:x:1000:1000:Demo application:/home/app:/bin/sh
P
  cat >"$root/etc/group" <<'G'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
mail:x:8:
www-data:x:33:
operator:x:37:
shadow:x:42:
users:x:100:app
nogroup:x:65534:
app:x:1000:
G
  cat >"$root/etc/shadow" <<'S'
root:*:19500:0:99999:7:::
daemon:*:19500:0:99999:7:::
bin:*:19500:0:99999:7:::
sys:*:19500:0:99999:7:::
sync:*:19500:0:99999:7:::
mail:*:19500:0:99999:7:::
www-data:*:19500:0:99999:7:::
operator:*:19500:0:99999:7:::
nobody:*:19500:0:99999:7:::
app:!:19500:0:99999:7:::
S
  chown 0:42 "$root/etc/shadow"
  chmod 0640 "$root/etc/shadow"
  cat >"$root/etc/os-release" <<'O'
NAME="Cinc Test Linux"
ID=cinc-test
ID_LIKE=alpine
VERSION_ID=3.20.0
PRETTY_NAME="Cinc Test Linux v3.20 (busybox)"
HOME_URL="https://example.invalid/cinc-test-linux"
O
  echo "cinc-standard" >"$root/etc/hostname"
  printf '/bin/sh\n' >"$root/etc/shells"
  printf 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n' >"$root/etc/profile"
  mkdir -p "$root/home/app" "$root/var/www" "$root/var/mail"
  printf 'demo application data\n' >"$root/home/app/app.conf"
  chown -R 1000:1000 "$root/home/app"
  chmod 0750 "$root/home/app"
}

write_etc_distroless() { # ROOT: passwd/group like gcr.io/distroless
  local root=$1
  mkdir -p "$root/etc" "$root/tmp" "$root/home/nonroot"
  chmod 1777 "$root/tmp"
  chown 65532:65532 "$root/home/nonroot"
  cat >"$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
P
  cat >"$root/etc/group" <<'G'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
G
}

# --- OCI plumbing: rootfs dir -> umoci OCI layout -> skopeo docker-archive ------
# make_image NAME ROOTFS_DIR USER WORKDIR ENTRYPOINT_JSON_ARGS...
make_image() {
  local name=$1 rootfs=$2 user=$3 workdir=$4; shift 4
  local work="$TMP/oci-$name" ref="$IMAGE_PREFIX/$name:$IMAGE_TAG"
  rm -rf "$work"; mkdir -p "$work"
  umoci init --layout "$work/layout"
  umoci new --image "$work/layout:$IMAGE_TAG"
  umoci unpack --image "$work/layout:$IMAGE_TAG" "$work/bundle" >/dev/null
  # replace the empty rootfs by ours (preserving owners/modes)
  rm -rf "$work/bundle/rootfs"
  cp -a "$rootfs" "$work/bundle/rootfs"
  umoci repack --image "$work/layout:$IMAGE_TAG" "$work/bundle" >/dev/null
  local cfg=(--image "$work/layout:$IMAGE_TAG" --config.user "$user" --config.workingdir "$workdir"
    --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    --author "cinc-scan tests/cluster" --created "2024-01-01T00:00:00Z")
  local first=1 arg
  for arg in "$@"; do
    if ((first)); then cfg+=(--config.entrypoint "$arg"); first=0; else cfg+=(--config.cmd "$arg"); fi
  done
  umoci config "${cfg[@]}"
  umoci gc --layout "$work/layout"
  rm -f "$IMG_DIR/.tmp-$name.tar"
  skopeo copy --quiet "oci:$work/layout:$IMAGE_TAG" "docker-archive:$IMG_DIR/.tmp-$name.tar:$ref"
  mv "$IMG_DIR/.tmp-$name.tar" "$IMG_DIR/$name.tar"
  rm -rf "$work"
  log "image $ref built ($(du -h "$IMG_DIR/$name.tar" | cut -f1))"
}

build_pause() {
  local r="$TMP/rootfs-pause"; mkdir -p "$r"
  gcc -Os -static -s -o "$r/pause" "$CLUSTER_DIR/images/pause.c"
  make_image pause "$r" 65535:65535 / /pause
}

build_standard() {
  local r="$TMP/rootfs-standard"
  busybox_rootfs "$r"
  write_etc_standard "$r"
  # a long-lived non-root service: PID 1 is sh, which sleeps and exits on TERM
  make_image standard "$r" 1000:1000 /home/app \
    /bin/sh -c 'trap "exit 0" TERM INT; while true; do sleep 3600 & wait $!; done'
}

build_debug() {
  local r="$TMP/rootfs-debug"
  busybox_rootfs "$r"
  cat >"$r/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
P
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
  make_image debug "$r" 0:0 / /bin/sh
}

build_distroless() {
  local r="$TMP/rootfs-distroless"
  mkdir -p "$r/app"
  gcc -Os -static -s -o "$r/app/sleeper" "$CLUSTER_DIR/images/sleeper.c"
  write_etc_distroless "$r"
  make_image distroless-nonroot "$r" 65532:65532 /home/nonroot /app/sleeper
  make_image distroless-root "$r" 0:0 / /app/sleeper
}

build_debian() {
  local r="$TMP/rootfs-debian" mirror
  mirror="$(debian_mirror)"
  log "debootstrap --variant=minbase bookworm from $mirror (a few minutes)"
  if ! debootstrap --variant=minbase bookworm "$r" "$mirror" >"$TMP/debootstrap.log" 2>&1; then
    tail -n 30 "$TMP/debootstrap.log" >&2
    # debootstrap mounts proc/sys inside the target; make sure nothing stays mounted
    umount_under "$r"
    die "debootstrap failed"
  fi
  umount_under "$r"
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/* "$r"/var/log/* "$r"/debootstrap
  echo "cinc-debian" >"$r/etc/hostname"
  make_image debian "$r" 0:0 / sleep infinity
}

umount_under() {
  local m
  awk -v p="$1" 'index($2, p) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
}

all_built() { local n; for n in "${IMAGE_NAMES[@]}"; do [[ -s $IMG_DIR/$n.tar ]] || return 1; done; }

mkdir -p "$CACHE"
exec 8>"$CACHE/.images.lock"
flock 8
if all_built; then
  log "images: cached in $IMG_DIR"
  echo "$IMG_DIR"
  exit 0
fi
mkdir -p "$IMG_DIR"
TMP="$(mktemp -d /var/tmp/cinc-scan-images.XXXXXX)"
trap 'umount_under "$TMP"; rm -rf "$TMP"' EXIT
t0=$SECONDS
[[ -s $IMG_DIR/pause.tar ]] || build_pause
[[ -s $IMG_DIR/standard.tar ]] || build_standard
[[ -s $IMG_DIR/debug.tar ]] || build_debug
[[ -s $IMG_DIR/distroless-nonroot.tar && -s $IMG_DIR/distroless-root.tar ]] || build_distroless
[[ -s $IMG_DIR/debian.tar ]] || build_debian
log "images built in $((SECONDS - t0))s -> $IMG_DIR"
echo "$IMG_DIR"
