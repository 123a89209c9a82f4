// Home directories as the Pi's own passwd knows them (local and NSS users alike), for the data
// path rule's Pi-side half (crds/data-path.ts homeConflicts): a drive or mount in, over or above
// someone's home would lock them out or, on delete, remove their files.
import { sectionText, type Sections } from './parse-sections.ts';

/** The observe section: one home directory per line, as getent reports them. */
export const homeDirsProbe: [section: string, probe: string] = ['home-dirs', 'getent passwd | cut -d: -f6 | sort -u'];

/** The home directories from the probe's section; an empty list when it is missing. */
export function homeDirsOf(sections: Sections): string[] {
  return (sectionText(sections, 'home-dirs') ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/'));
}
