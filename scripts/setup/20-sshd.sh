#!/usr/bin/env bash
# Installs what the real-sshd tests need: the OpenSSH server binary (the tests start their own
# sshd on 127.0.0.1 with a temporary config, so the system ssh service must stay stopped and
# disabled), sudo, and a non-root sudo user `bramble-test` that mirrors Raspberry Pi OS's
# default sudo user. Idempotent: every step checks before it changes anything.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "20-sshd: not root, skipping (the sshd tests need /usr/sbin/sshd and sudo)" >&2
  exit 0
fi

missing=()
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v sudo >/dev/null 2>&1 || missing+=(sudo)

if [ "${#missing[@]}" -gt 0 ]; then
  # policy-rc.d exiting 101 tells Debian's maintainer scripts not to start services. Keep an
  # existing one; remove only the one written here.
  own_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  cleanup() { if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi; }
  trap cleanup EXIT
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
  fi
  if printf '%s\n' "${missing[@]}" | grep -qx openssh-server && command -v systemctl >/dev/null 2>&1; then
    # Installed here only for its binary: the host's own ssh service stays off.
    systemctl disable ssh.service ssh.socket >/dev/null 2>&1 || true
  fi
fi

home=/home/bramble-test
if ! id -u bramble-test >/dev/null 2>&1; then
  useradd --system --create-home --home-dir "$home" --shell /bin/sh bramble-test
fi
if [ "$(getent passwd bramble-test | cut -d: -f6)" != "$home" ]; then
  usermod --home "$home" bramble-test
fi
if [ ! -d "$home" ]; then
  install -d -o bramble-test -g bramble-test -m 755 "$home"
fi
# A locked account ('!' in shadow) is refused by sshd without PAM; '*' means "no password"
# (key login only) without being locked.
if [ "$(getent shadow bramble-test | cut -d: -f2)" != '*' ]; then
  usermod -p '*' bramble-test
fi
sudoers=/etc/sudoers.d/bramble-test
if [ ! -f "$sudoers" ]; then
  printf 'bramble-test ALL=(ALL) NOPASSWD: ALL\n' >"$sudoers.tmp"
  chmod 440 "$sudoers.tmp"
  visudo -cf "$sudoers.tmp" >/dev/null
  mv "$sudoers.tmp" "$sudoers"
fi
