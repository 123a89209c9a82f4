#!/usr/bin/env bash
# The simulated Raspberry Pi fleet used by the end-to-end tests (see test/fleet/README.md).
# Installs the host tools, then builds the nodes' base root filesystem once into
#   ${BRAMBLE_CACHE:-/var/cache/bramble}/rootfs-<hash>/{root,repo}
# where <hash> covers this script and test/fleet/image/*, so changing either rebuilds it.
# `repo` is a flat apt repository (every .deb the build fetched, plus small extra packages not
# in the image) that the fleet serves to its nodes. The build happens in a temporary directory
# that is renamed into place only when complete, so a killed build is never taken for a good one.
#   --print-hash   print <hash> and exit (the harness checks it computes the same one)
set -euo pipefail
cd "$(dirname "$0")/../.."

image_files=(scripts/setup/30-fleet.sh test/fleet/image/packages.txt
  test/fleet/image/extra-packages.txt test/fleet/image/customize.sh)
hash=$(cat "${image_files[@]}" | sha256sum | cut -c1-16)
if [ "${1:-}" = "--print-hash" ]; then
  echo "$hash"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "30-fleet: not root, so the simulated Pi fleet is unavailable (its tests will fail)."
  exit 0
fi

cache=${BRAMBLE_CACHE:-/var/cache/bramble}
final=$cache/rootfs-$hash

host_tools=(debootstrap systemd-container iproute2 dpkg-dev openssh-client util-linux)
host_commands=(debootstrap systemd-nspawn ip dpkg-scanpackages ssh ssh-keyscan ssh-keygen nsenter)
missing=0
for c in "${host_commands[@]}"; do command -v "$c" >/dev/null || missing=1; done
if [ "$missing" = 1 ]; then
  echo "30-fleet: installing host tools: ${host_tools[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${host_tools[@]}" >/dev/null
fi
modprobe overlay 2>/dev/null || true

if [ -d "$final/root" ] && [ -f "$final/repo/Packages.gz" ]; then
  exit 0
fi

# Lists the host's enabled apt sources for this release as one-line entries ("URI SUITE"), read
# from sources.list, *.list and deb822 *.sources, so no mirror is ever named in the repository.
host_apt_sources() {
  local codename=$1 f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v c="$codename" '$1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i+1) ~ "^" c "(-|$)" && index(" " $0 " ", " main ")) print $i, $(i+1) }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v c="$codename" '
      function flush(  n, u, s, i, j) {
        if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " comps " ") ~ / main /) {
          n = split(uris, u, " "); split(suites, s, " ")
          for (i = 1; i <= n; i++) for (j in s) if (s[j] ~ "^" c "(-|$)") print u[i], s[j]
        }
        types = uris = suites = comps = enabled = ""
      }
      /^[ \t]*$/ { flush(); next }
      /^#/ { next }
      { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
        if (key == "types") types = $0; else if (key == "uris") uris = $0
        else if (key == "suites") suites = $0; else if (key == "components") comps = $0
        else if (key == "enabled") enabled = tolower($0) }
      END { flush() }' "$f"
  done
}

codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
mapfile -t sources < <(host_apt_sources "$codename" | sort -u)
mirror=""
for s in "${sources[@]}"; do
  if [ "${s#* }" = "$codename" ]; then mirror=${s%% *}; break; fi
done
if [ -z "$mirror" ]; then
  echo "30-fleet: no '$codename main' source in /etc/apt/sources.list*; cannot build the fleet image" >&2
  exit 1
fi

mkdir -p "$cache/debs"
exec 9>"$cache/.build.lock"
flock 9
[ -d "$final/root" ] && [ -f "$final/repo/Packages.gz" ] && exit 0
# Leftovers of killed builds (we hold the lock, so none of them is running). A killed debootstrap
# can leave /proc or /sys mounted inside its target: unmount first, and never cross filesystems.
for old in "$cache"/.build-*; do
  [ -e "$old" ] || continue
  awk '{print $5}' /proc/self/mountinfo | grep -F "$old/" | sort -r | xargs -r -n1 umount -l
  rm -rf --one-file-system "$old"
done
build=$cache/.build-$hash-$$
root=$build/root
mkdir -p "$build/repo"
start=$(date +%s)
echo "30-fleet: building the simulated Pi base image into $final (takes a few minutes, once)"

debootstrap --variant=minbase --include=debian-archive-keyring --cache-dir="$cache/debs" "$codename" "$root" "$mirror" \
  > "$build/debootstrap.log" 2>&1 || { tail -20 "$build/debootstrap.log" >&2; exit 1; }

for s in "${sources[@]}"; do
  echo "deb ${s%% *} ${s#* } main"
done > "$root/etc/apt/sources.list"
# Packages must not start services inside the build.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"

in_image() {
  systemd-nspawn --quiet --register=no --keep-unit --pipe --directory="$root" \
    --setenv=DEBIAN_FRONTEND=noninteractive --setenv=LC_ALL=C "$@"
}
mapfile -t packages < <(grep -v '^#' test/fleet/image/packages.txt | grep .)
mapfile -t extras < <(grep -v '^#' test/fleet/image/extra-packages.txt | grep .)
in_image apt-get update -qq
in_image apt-get install -y -qq --no-install-recommends "${packages[@]}" > "$build/apt.log" 2>&1 \
  || { tail -20 "$build/apt.log" >&2; exit 1; }
in_image apt-get install -y -qq --no-install-recommends --download-only "${extras[@]}" \
  >> "$build/apt.log" 2>&1 || { tail -20 "$build/apt.log" >&2; exit 1; }

# The local repository: every .deb this build used (debootstrap's and apt's), plus the extras.
mv -f "$root"/var/cache/apt/archives/*.deb "$cache/debs/" 2>/dev/null || true
ln -f "$cache"/debs/*.deb "$build/repo/"
(cd "$build/repo" && dpkg-scanpackages --multiversion . /dev/null 2>/dev/null | gzip -9 > Packages.gz)

rm -f "$root/usr/sbin/policy-rc.d"
in_image /bin/bash -s < test/fleet/image/customize.sh > "$build/customize.log" 2>&1 \
  || { tail -20 "$build/customize.log" >&2; exit 1; }

printf '{"hash":"%s","codename":"%s","builtAt":"%s","seconds":%d}\n' "$hash" "$codename" \
  "$(date -u +%FT%TZ)" "$(( $(date +%s) - start ))" > "$build/image.json"
mv "$build" "$final"
# Images of other inputs: the two built last stay, because another checkout of the project
# (a branch, a CI clone) on this machine may be about to boot a fleet on one; older ones go,
# unless a running fleet still sits on one.
ls -1dt "$cache"/rootfs-* | grep -vxF "$final" | tail -n +3 | while read -r stale; do
  grep -qF "lowerdir=$stale/root" /proc/self/mountinfo || rm -rf --one-file-system "$stale"
done
echo "30-fleet: base image ready in $(( $(date +%s) - start )) s: $final"
