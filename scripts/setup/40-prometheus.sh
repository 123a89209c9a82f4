#!/usr/bin/env bash
# promtool (from Debian's `prometheus` package) lints the operator's live /metrics output in
# the controller tests. Install only: the package's postinst would start a Prometheus server,
# so a policy-rc.d that answers 101 ("action forbidden") keeps every service down meanwhile.
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "40-prometheus: not root, skipping (tests that need promtool will say so)" >&2
  exit 0
fi
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 0755 "$policy"
  own_policy=1
fi
cleanup() { if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
# Other setup parts may hold the dpkg lock; wait for it instead of failing.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
if ! apt_get install -y --no-install-recommends prometheus >/dev/null 2>&1; then
  apt_get update >/dev/null
  apt_get install -y --no-install-recommends prometheus >/dev/null
fi
command -v promtool >/dev/null
