#!/usr/bin/env bash
# Installs what `npm run bench` compares bramble against: Ansible and pdsh from Debian (and
# python3-apt packages for the simulated Pis, which Ansible's apt module needs).
# Not a part of scripts/setup/: CI and the test suite do not need them. Idempotent; needs root
# to install, and without it the benchmark reports the comparison as skipped.
set -euo pipefail
missing=()
command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible)
command -v pdsh >/dev/null 2>&1 || missing+=(pdsh)
# Ansible's apt module needs python3-apt on the Pis (Raspberry Pi OS ships it; the simulated
# Pis' image does not): the benchmark installs these .debs on each node before it measures.
debs="${BRAMBLE_CACHE:-/var/cache/bramble}/bench-debs"
if [ "$(id -u)" -eq 0 ] && [ ! -e "$debs/.done" ]; then
  mkdir -p "$debs"
  (cd "$debs" && apt-get download -qq python3-apt python-apt-common distro-info-data) && touch "$debs/.done"
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "bench-setup: ${missing[*]} missing and not root: the Ansible/pdsh comparison will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
