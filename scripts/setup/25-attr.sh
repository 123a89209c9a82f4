#!/usr/bin/env bash
# getfattr/setfattr (Debian's attr) for the unit tests that read a Gluster brick's
# trusted.glusterfs.volume-id in a real shell (reconcilers/gluster/scripts-in-real-shell.test.ts),
# as bramble's observe script does on a Pi. Needs root; skipped (with a note) without it.
set -euo pipefail

if command -v getfattr >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "25-attr: getfattr is missing and this is not root; the brick xattr test is skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_get install -y --no-install-recommends attr >/dev/null 2>&1 \
  || { apt_get update >/dev/null && apt_get install -y --no-install-recommends attr >/dev/null; }
