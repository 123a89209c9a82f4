// Write quorum of one erasure set as MinIO computes it by default (storage class STANDARD):
// parity EC:4 from 8 drives up, EC:3 for 6-7, EC:2 for 4-5, EC:1 for 2-3, none for one drive;
// writes need the data drives, plus one when data and parity are equal (to break ties).
export function defaultParity(drives: number): number {
  if (drives >= 8) return 4;
  if (drives >= 6) return 3;
  if (drives >= 4) return 2;
  if (drives >= 2) return 1;
  return 0;
}

export function writeQuorum(drives: number): number {
  const parity = defaultParity(drives);
  const data = drives - parity;
  return data === parity ? data + 1 : data;
}
