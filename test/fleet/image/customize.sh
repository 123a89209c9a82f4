#!/bin/bash
# Runs inside the freshly installed base image (as root, before it is ever booted) and turns a
# plain Debian into a simulated Raspberry Pi: Raspberry Pi OS's sudo user `pi`, key-only SSH,
# per-node identities made at first boot, and nothing that needs hardware or a route out.
set -euo pipefail

# Raspberry Pi OS's default user: uid 1000, in group sudo, sudo without a password.
if ! id pi >/dev/null 2>&1; then
  useradd --create-home --uid 1000 --shell /bin/bash --groups sudo pi
fi
passwd --lock pi >/dev/null
passwd --lock root >/dev/null
echo 'pi ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/010_pi-nopasswd
chmod 0440 /etc/sudoers.d/010_pi-nopasswd
install -d -m 0700 -o root -g root /root/.ssh
install -d -m 0700 -o pi -g pi /home/pi/.ssh

# Key-only logins; the harness writes each fleet's client key into authorized_keys.
cat > /etc/ssh/sshd_config.d/10-bramble-sim.conf <<'CONF'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
CONF

# Every node must have its own identity: host keys, MUNGE key, machine id and glusterd UUID are
# made at first boot, never copied from the base.
rm -f /etc/ssh/ssh_host_* /etc/munge/munge.key /var/lib/glusterd/glusterd.info
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id

cat > /etc/systemd/system/bramble-sim-host-keys.service <<'UNIT'
[Unit]
Description=Generate this node's SSH host keys (first boot of a simulated Pi)
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=ssh.service
UNIT

cat > /etc/systemd/system/bramble-sim-munge-key.service <<'UNIT'
[Unit]
Description=Generate this node's MUNGE key (first boot of a simulated Pi)
Before=munge.service
ConditionPathExists=!/etc/munge/munge.key

[Service]
Type=oneshot
ExecStart=/usr/sbin/mungekey --create --keyfile=/etc/munge/munge.key
ExecStart=/bin/chown munge:munge /etc/munge/munge.key

[Install]
WantedBy=munge.service
UNIT
systemctl enable bramble-sim-host-keys.service bramble-sim-munge-key.service

# NetworkManager is installed (bramble writes its profiles on Bookworm Pis) but off, and would
# leave every device alone: the harness gives each node its address from outside. A fleet started
# with `networkManager: [nodes]` hands those nodes' eth0 to it (test/fleet/node-network-manager.ts).
cat > /etc/NetworkManager/conf.d/90-bramble-sim.conf <<'CONF'
[main]
no-auto-default=*

[keyfile]
unmanaged-devices=*
CONF
systemctl disable NetworkManager.service NetworkManager-wait-online.service NetworkManager-dispatcher.service 2>/dev/null || true

# The host's inotify instance limit runs out at ~20 nodes if every login starts a user manager.
systemctl mask user@.service
# Timers that reach for a network the nodes do not have, or do housekeeping a test never needs.
systemctl mask apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer \
  e2scrub_reap.service fstrim.timer 2>/dev/null || true

# No mirror: a test that installs packages points apt at the fleet's local repository.
echo '# simulated Pi: no mirror configured; tests add the fleet'"'"'s local repository' \
  > /etc/apt/sources.list
rm -f /etc/apt/sources.list.d/*
rm -rf /var/lib/apt/lists/*
apt-get clean
# The harness writes /etc/hostname and /etc/hosts per node; the base carries neutral ones.
echo raspberrypi > /etc/hostname
