#!/usr/bin/env bash
# The official Python client for the client compatibility suite (test/clients/): Debian's
# python3-kubernetes, for Debian's own python3 (/usr/bin/python3; a python3 earlier on PATH,
# e.g. from pyenv, does not see Debian's packages). Tests look for $PYTHON, then
# /usr/bin/python3. Needs root; skipped (with a note) without it.
set -euo pipefail

if /usr/bin/python3 -c 'import kubernetes' >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "60-python-kubernetes: python3-kubernetes is missing and this is not root; test/clients/python.test.ts will fail" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_get install -y --no-install-recommends python3-kubernetes >/dev/null 2>&1 \
  || { apt_get update >/dev/null && apt_get install -y --no-install-recommends python3-kubernetes >/dev/null; }
/usr/bin/python3 -c 'import kubernetes; print("60-python-kubernetes: python3-kubernetes", kubernetes.__version__)' >&2
