#!/usr/bin/env bash
# Installs what the test suite needs on this machine, idempotently: each part under
# scripts/setup/ checks before it changes anything, so a second run takes seconds.
# Parts that need root (Debian packages, the simulated Pi fleet) say so and are skipped
# without it; the tests that need them then fail with a message naming this script.
set -euo pipefail
cd "$(dirname "$0")/.."
for part in scripts/setup/*.sh; do
  [ -e "$part" ] || continue
  bash "$part"
done
