// RealMemory for a node: what the Pi reports (MemTotal, the same number slurmd detects) minus
// memory left to the OS.
//
// Why 256 MiB by default (spec.reservedMemoryMiB): a 1 GiB Pi 3B+ reports about 920 MiB of
// MemTotal (the firmware keeps the GPU's share). Raspberry Pi OS Lite with systemd, journald,
// sshd, munged and slurmd idles at roughly 120-160 MiB resident, and the page cache for their
// binaries and the job's own executables needs the rest; 256 MiB left to the OS gives jobs
// about 660 MiB without pushing the OS into the OOM killer. RealMemory must also never exceed
// what slurmd detects, or slurmctld drains the node with "Low RealMemory".
const mib = 1024 * 1024;

/** Smallest RealMemory bramble writes: Slurm needs a positive number. */
const minimumMiB = 1;

export function realMemoryMiB(memoryBytes: number, reservedMiB: number): number {
  return Math.max(minimumMiB, Math.floor(memoryBytes / mib) - reservedMiB);
}
