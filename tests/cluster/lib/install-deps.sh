#!/usr/bin/env bash
# Install the Debian packages the test cluster needs (fast no-op when present).
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

PKGS=(
  containerd runc containernetworking-plugins   # runtime + CNI plugins (/usr/lib/cni)
  umoci skopeo                                  # rootfs dir -> OCI layout -> docker-archive
  openssl curl ca-certificates                  # certs, health checks
  busybox-static debootstrap                    # image contents
  gcc libc6-dev                                 # static pause / sleeper binaries
  socat                                         # node-address relay to the loopback apiserver
  iproute2 iptables kmod util-linux procps mount tar gzip
)

missing=()
for p in "${PKGS[@]}"; do
  if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) != "install ok installed" ]]; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  log "debian packages: all present"
  exit 0
fi
[[ $(id -u) == 0 ]] || die "need root to install: ${missing[*]}"
log "installing debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || apt-get update
# no init system here: keep package scripts from trying to start daemons
added_policy=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  added_policy=1
fi
rc=0
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
if ((added_policy)); then rm -f /usr/sbin/policy-rc.d; fi
((rc == 0)) || die "apt-get install failed (exit $rc)"
log "debian packages installed"
