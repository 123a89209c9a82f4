// Every string that can reach a shell, a config file or a command line on a Pi is pinned down
// here first. Each pattern is anchored, valid in Go's RE2 as well as JavaScript (Kubernetes runs
// them in RE2: no lookaround, no backreferences) and admits no whitespace, quotes or shell
// metacharacters. Paths cannot hold "..", and nothing can start with "-" (option injection).

const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/** RFC 1123 label: a hostname. */
export const dnsLabel = `^${label}$`;

/** RFC 1123 subdomain: names of Kubernetes objects (PiNodes, Secrets). */
export const dnsSubdomain = `^${label}(\\.${label})*$`;

/**
 * A DNS name whose last label holds a letter, so a dotted quad such as 999.1.1.1 can never
 * pass as a name when it fails as an IPv4 address.
 */
export const dnsName = `^(${label}\\.)*([a-z]([-a-z0-9]*[a-z0-9])?|[0-9][-0-9]*[a-z]([-a-z0-9]*[a-z0-9])?)$`;

/** Linux user and group names, as useradd accepts them without --badname. */
export const posixName = '^[a-z_][a-z0-9_-]{0,31}$';

const segment = '[A-Za-z0-9_+-]+(\\.[A-Za-z0-9_+-]+)*';

/** An absolute path of plain segments: no "..", no hidden segments, no trailing slash. */
export const absolutePath = `^(/${segment})+$`;

/**
 * A Debian package name (Debian Policy 5.6.7) that does not end in "-": apt-get install reads a
 * trailing "-" as "remove", so "openssh-server-" would uninstall sshd. No real package ends so.
 */
export const debianPackage = '^[a-z0-9][a-z0-9+.-]*[a-z0-9+.]$';

/** An IANA time zone name: "UTC", "Europe/London", "America/Argentina/Buenos_Aires". */
export const ianaTimezone = '^[A-Za-z][A-Za-z0-9_+-]{0,29}(/[A-Za-z0-9][A-Za-z0-9_+-]{0,29}){0,2}$';

/** One OpenSSH public key line ("ssh-ed25519 AAAA… comment"), without authorized_keys options. */
export const sshPublicKey =
  '^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com) AAAA[A-Za-z0-9+/]{8,}={0,3}( [A-Za-z0-9@._+:-]{1,256})?$';

/** The raw value of vcgencmd get_throttled ("0x50005"). */
export const throttledHex = '^0x[0-9a-fA-F]{1,8}$';
/** A kernel boot id: a lower-case UUID. */
export const bootId = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** Kubernetes label keys and values (for selectors). */
export const labelKey = `^(${label}(\\.${label})*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`;
export const labelValue = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';

/** metav1.Condition type and reason. */
export const conditionType = `^(${label}(\\.${label})*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$`;
export const conditionReason = '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$';

/** A step name in a plan, optionally with its subject: "hostname", "etc-hosts", "user:alice". */
export const stepName = '^[A-Za-z][A-Za-z0-9._-]*(:[A-Za-z0-9_][A-Za-z0-9._-]*)?$';

/** Slurm ClusterName: lower case (Slurm folds it) and usable in slurmdbd's table names. */
export const slurmClusterName = '^[a-z][a-z0-9_]{0,39}$';

/** Slurm time limits: UNLIMITED, minutes, minutes:seconds, hours:minutes:seconds, days-hours[:minutes[:seconds]]. */
export const slurmTime = '^(UNLIMITED|INFINITE|[0-9]{1,7}(:[0-5]?[0-9]){0,2}|[0-9]{1,4}-[0-9]{1,2}(:[0-5]?[0-9]){0,2})$';

/**
 * A slurm.conf parameter name ("SchedulerParameters") and value: one word with no spaces or
 * quotes, not starting with "-", no "..".
 */
export const slurmConfKey = '^[A-Z][A-Za-z0-9]{1,63}$';
export const slurmConfValue = '^[A-Za-z0-9_,:=/@+%][A-Za-z0-9_,:=/@+%-]*(\\.[A-Za-z0-9_,:=/@+%-]+)*$';

/**
 * A Gluster volume option ("performance.cache-size") and value ("64MB", "10.0.0.*"): values are
 * one word, never start with "-" (the gluster CLI would read an option) and hold no "..".
 * "*" is allowed because auth.allow needs it; bramble passes values as quoted arguments.
 */
export const glusterOptionKey = '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$';
export const glusterOptionValue = '^[A-Za-z0-9_,:/*@+][A-Za-z0-9_,:/*@+-]*(\\.[A-Za-z0-9_,:/*@+-]+)*$';

/** A Gluster volume name. */
export const glusterVolumeName = '^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$';

/** An http(s) URL with a plain host and path: no query string, credentials, "..", quotes or spaces. */
export const downloadUrl = `^https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9_~%+-]+(\\.[A-Za-z0-9_~%+-]+)*)*$`;

/** A SHA-256 digest as sha256sum prints it. */
export const sha256Hex = '^[a-f0-9]{64}$';

const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
/** A dotted-quad IPv4 address. */
export const ipv4 = `^(${octet}\\.){3}${octet}$`;
/** An IPv4 address with its prefix length: "192.168.1.20/24". */
export const ipv4Cidr = `^(${octet}\\.){3}${octet}/([0-9]|[12][0-9]|3[0-2])$`;
/** A network interface name (IFNAMSIZ is 16 with the NUL): "eth0", "end0", "enx0123456789ab". */
export const interfaceName = '^[a-z][a-z0-9_]{0,14}$';
