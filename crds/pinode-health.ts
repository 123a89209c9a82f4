// The PiNode's power and storage health (issue 21): what one observe read (facts.health) and the
// history bramble keeps across reboots (status.health), because the firmware's and the kernel's
// "since boot" records reset when the Pi restarts.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { BoundedString, MapList, SetOf, StringEnum } from './schema-kit.ts';

const Count = (description: string) => Type.Optional(Type.Integer({ description, minimum: 0, format: 'int64' }));

export const healthProblems = [
  'UnderVoltage',
  'FrequencyCapped',
  'Throttled',
  'SoftTempLimit',
  'ReadOnlyRemount',
  'Ext4Errors',
  'EmmcWearHigh',
] as const;
export type HealthProblem = (typeof healthProblems)[number];

export const PiNodeHealthFactsSchema = Type.Object(
  {
    underVoltageMessages: Count('Kernel messages "Under-voltage detected" since boot (journalctl -k -b, or dmesg).'),
    readOnlyRemountMessages: Count('Kernel messages "Remounting filesystem read-only" since boot.'),
    readOnlyMounts: Type.Optional(
      SetOf(
        BoundedString('A mount point.', 255),
        32,
        'Disk filesystems (ext2/3/4, f2fs, btrfs, xfs, vfat, exfat) mounted read-only now, from /proc/mounts.',
      ),
    ),
    ext4Errors: Count('Errors the ext4 filesystems recorded (sum of /sys/fs/ext4/*/errors_count).'),
    rootDisk: Type.Optional(BoundedString('The disk holding /, e.g. mmcblk0 or sda.', 64)),
    bytesWrittenSinceBoot: Count('Bytes written to the root disk since boot (/sys/block/DISK/stat, sectors of 512 bytes).'),
    emmcLifeTimeLevel: Type.Optional(
      Type.Integer({
        description: 'eMMC wear, the larger of the two life_time estimates: 1 = 0-10% of its life used … 10 = 90-100%, 11 = exceeded.',
        minimum: 0,
        maximum: 255,
      }),
    ),
    emmcPreEolLevel: Type.Optional(
      Type.Integer({
        description: 'eMMC pre_eol_info: 1 normal, 2 warning (80% of reserved blocks used), 3 urgent.',
        minimum: 0,
        maximum: 255,
      }),
    ),
  },
  { description: 'Power and storage health read at the last observe; absent values were not reported (no vcgencmd, no eMMC…).' },
);

export const HealthHistoryEntrySchema = Type.Object({
  problem: StringEnum(healthProblems, 'What was seen.'),
  firstSeen: Type.String({ description: 'The first observe that showed it.', format: 'date-time' }),
  lastSeen: Type.String({ description: 'The last observe that showed it.', format: 'date-time' }),
  boots: Type.Integer({
    description: 'How many boots of the Pi showed it (a resync in the same boot does not count again).',
    minimum: 1,
    format: 'int64',
  }),
  lastBoot: BoundedString('The boot that last showed it: its boot id, or its boot time when the id is unknown.', 64),
});

export const PiNodeHealthStatusSchema = Type.Object(
  {
    history: Type.Optional(
      MapList(HealthHistoryEntrySchema, ['problem'], 16, 'Each power or storage problem bramble has seen on this Pi, kept across reboots.'),
    ),
    writesPerDayBytes: Count(
      'Estimated bytes written to the root disk per day: bytes written since boot over the time since boot (once up an hour).',
    ),
  },
  { description: 'Health history that outlives a reboot. Conditions PowerHealthy and StorageHealthy say what holds now.' },
);

export type PiNodeHealthFacts = Static<typeof PiNodeHealthFactsSchema>;
export type HealthHistoryEntry = Static<typeof HealthHistoryEntrySchema>;
export type PiNodeHealthStatus = Static<typeof PiNodeHealthStatusSchema>;
