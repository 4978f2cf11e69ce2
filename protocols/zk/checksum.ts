/**
 * The ZK packet checksum: the one's-complement sum of the packet as little-endian u16 words
 * (a trailing odd byte counts as its own value), carries folded, inverted. The checksum field
 * (bytes 2..3 of the header) counts as zero.
 */
export function computeChecksum(packet: Uint8Array, checksumOffset = 2): number {
  let sum = 0;
  const len = packet.length;
  const even = len & ~1;
  for (let i = 0; i < even; i += 2) {
    if (i !== checksumOffset) sum += packet[i]! | (packet[i + 1]! << 8);
  }
  if (even !== len) sum += packet[even]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Checks a packet's checksum field against its contents. */
export function checksumMatches(packet: Uint8Array, checksumOffset = 2): boolean {
  if (packet.length < checksumOffset + 2) return false;
  const stored = packet[checksumOffset]! | (packet[checksumOffset + 1]! << 8);
  const expected = computeChecksum(packet, checksumOffset);
  // One's complement has two zeros: 0x0000 and 0xFFFF mean the same sum.
  return (
    stored === expected || (stored === 0 && expected === 0xffff) || (stored === 0xffff && expected === 0)
  );
}
