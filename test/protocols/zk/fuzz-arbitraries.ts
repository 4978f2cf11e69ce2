/**
 * Inputs for fuzz.test.ts: random bytes, and valid frames / payloads (built by our encoders and
 * taken from public captures) mutated by bit flips, byte sets, truncations, insertions,
 * deletions, duplications and length-field rewrites. Every input is tagged with its origin so
 * the test can count how many of each it ran.
 */
import fc from 'fast-check';
import {
  BulkTable,
  TcpFramer,
  computeChecksum,
  encodeAttendance,
  encodeAttendanceEvent,
  encodeBulkRequest,
  encodeChunkRequest,
  encodeDatasetReady,
  encodeFreeSizes,
  encodeOptionReply,
  encodeOptionRequest,
  encodePacket,
  encodePrepareData,
  encodeSerialFrame,
  encodeTcpFrame,
  encodeUser,
  serialPrefixChecksum,
  type AttendanceEventLayout,
  type AttendanceRecordSize,
  type UserRecordSize,
} from '../../../protocols/zk/index.js';
import * as C from './captures.js';

export type Origin = 'random' | 'mutated';
export interface Input {
  origin: Origin;
  bytes: Buffer;
}
/** Where a mutation finds length fields to rewrite. */
export type LengthFormat = 'tcp' | 'serial' | 'dataset' | 'none';

/** Bare packets from the captures, split out of their recorded TCP streams. */
function capturePackets(): Buffer[] {
  const out: Buffer[] = [C.ADRO_OPTIONS_RRQ, C.ADRO_ACK_ODD, C.PYZK_CONNECT_REQUEST_UDP, C.PYZK_EVENT_12].map(C.hex);
  const framer = new TcpFramer({ onFrame: (p) => out.push(Buffer.from(p)) });
  const streams = [
    [C.PYZK_CONNECT_REPLY, C.PYZK_EXIT, C.PYZK_UNAUTH_REPLY, C.PYZK_AUTH_45, C.PYZK_AUTH_OK, C.PYZK_GET_FREE_SIZES],
    [C.PYZK_DATA_WRRQ_USERS, C.PYZK_USERS_DATA, C.PYZK_K20_FREE_SIZES_80, ...C.PYZK_K20_USERS_READS],
    [C.PYZK_BT_DATASET_READY, C.PYZK_BT_PREPARE, ...C.PYZK_BT_READS_FIXED],
    C.JSZKLIB_K40_STREAM,
  ];
  for (const s of streams) {
    framer.reset();
    for (const h of s) framer.push(C.hex(h));
  }
  return out;
}
export const CAPTURE_PACKETS = capturePackets();

const u16 = fc.integer({ min: 0, max: 0xffff });
const byte = fc.integer({ min: 0, max: 255 });
const T = { year: 2023, month: 3, day: 14, hour: 9, minute: 26, second: 53 };

export const randomBytes = (maxLength: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));

export const packet: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom(...CAPTURE_PACKETS),
  fc.tuple(u16, u16, u16, fc.uint8Array({ maxLength: 120 })).map(([c, s, r, d]) => encodePacket(c, s, r, d)),
);

export const tcpStream = fc.array(packet, { minLength: 1, maxLength: 4 }).map((ps) => Buffer.concat(ps.map(encodeTcpFrame)));
export const serialStream = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 254 }), packet), { minLength: 1, maxLength: 4 })
  .map((fs) => Buffer.concat(fs.map(([id, p]) => encodeSerialFrame(id, p))));

const attendanceBody = (size: AttendanceRecordSize) =>
  fc.array(fc.tuple(u16, byte, byte), { maxLength: 6 }).map((rs) =>
    Buffer.concat(rs.map(([id, v, s]) => encodeAttendance({ uid: id, userId: String(id), verify: v, state: s, time: T }, size))),
  );
const userBody = (size: UserRecordSize) =>
  fc.array(fc.tuple(u16, byte), { maxLength: 5 }).map((us) =>
    Buffer.concat(
      us.map(([uid, p]) => encodeUser({ uid, privilege: p, password: '1', name: `n${uid}`, card: uid, group: '1', timezone: 0, userId: String(uid) }, size)),
    ),
  );
/** `u32 total` then records. */
const withTotal = (body: Buffer): Buffer => {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length);
  return Buffer.concat([head, body]);
};

export const attendanceRecords = fc.constantFrom<AttendanceRecordSize>(8, 16, 40).chain(attendanceBody);
export const userRecords = fc.constantFrom<UserRecordSize>(28, 72).chain(userBody);
export const dataset: fc.Arbitrary<Buffer> = fc.oneof(
  attendanceRecords.map(withTotal),
  userRecords.map(withTotal),
  fc.constantFrom(C.hex(C.PYZK_USERS_DATA).subarray(16), C.hex(C.PYZK_K20_USERS_READS.join('')).subarray(16)),
);
export const event = fc
  .tuple(fc.constantFrom<AttendanceEventLayout>(10, 12, 14, 32, 36), u16, byte, byte, fc.integer({ min: 0, max: 16 }))
  .map(([layout, id, v, s, extra]) =>
    Buffer.concat([encodeAttendanceEvent({ userId: String(id), verify: v, state: s, workcode: id, time: T }, layout), Buffer.alloc(layout === 36 ? extra : 0, 0xab)]),
  );
export const freeSizes = fc.array(fc.integer({ min: -1, max: 100000 }), { minLength: 13, maxLength: 13 }).map((v) =>
  encodeFreeSizes({
    users: v[0]!, fingerprints: v[1]!, records: v[2]!, oplog: v[3]!, admins: v[4]!, fingerprintCapacity: v[5]!, userCapacity: v[6]!,
    recordCapacity: v[7]!, fingerprintsFree: v[8]!, usersFree: v[9]!, recordsFree: v[10]!, faces: v[11]!, faceCapacity: v[12]!,
  }),
);
const key = fc.string({ unit: fc.constantFrom(...'~abcSNMAC_19'), minLength: 1, maxLength: 20 });
export const optionPayload = fc.oneof(
  fc.tuple(key, fc.string({ maxLength: 30 })).map(([k, v]) => encodeOptionReply(k, v)),
  key.map(encodeOptionRequest),
);
export const bulkPayload = fc.oneof(
  fc.constantFrom(encodeBulkRequest(BulkTable.attendance), encodeBulkRequest(BulkTable.users)),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => encodeChunkRequest(a % 0x7fffffff, b % 0x7fffffff)),
  fc.nat().map((n) => encodePrepareData(n)),
  fc.nat().map((n) => encodeDatasetReady(n)),
);

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; n: number }
  | { kind: 'dup'; at: number; n: number }
  | { kind: 'length'; which: number; value: number; fix: boolean };

const interestingLength = fc.oneof(
  fc.constantFrom(0, 1, 7, 8, 9, 12, 16, 36, 63, 64, 65, 80, 92, 0x3f8, 0xffc0, 0xffff, 0x10000, 0x7fffffff, 0xffffffff),
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.integer({ min: 0, max: 2000 }),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: byte }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('length' as const), which: fc.nat(), value: interestingLength, fix: fc.boolean() }) },
);

function positions(buf: Buffer, pattern: number[]): number[] {
  const out: number[] = [];
  for (let i = buf.indexOf(Buffer.from(pattern)); i >= 0; i = buf.indexOf(Buffer.from(pattern), i + 1)) out.push(i);
  return out;
}

function rewriteLength(buf: Buffer, m: Extract<Mutation, { kind: 'length' }>, format: LengthFormat): Buffer {
  const out = Buffer.from(buf);
  if (format === 'tcp') {
    const at = positions(out, [0x50, 0x50, 0x82, 0x7d]).filter((p) => p + 8 <= out.length);
    const p = at[m.which % Math.max(1, at.length)];
    if (p !== undefined) out.writeUInt32LE(m.value >>> 0, p + 4);
  } else if (format === 'serial') {
    const at = positions(out, [0x81, 0x7e]).filter((p) => p >= 2 && p + 6 <= out.length);
    const p = at[m.which % Math.max(1, at.length)];
    if (p !== undefined) {
      out.writeUInt16LE(m.value & 0xffff, p + 2);
      // Half the time keep the prefix checksum right, so the bad length gets past it.
      if (m.fix) out.writeUInt16LE(serialPrefixChecksum(out.subarray(p - 2, p + 4)), p + 4);
    }
  } else if (format === 'dataset' && out.length >= 4) {
    out.writeUInt32LE(m.value >>> 0, 0);
  } else if (out.length >= 4 && m.fix) {
    // A packet: recompute its checksum so corrupted data gets past decodePacket.
    out.writeUInt16LE(computeChecksum(out), 2);
  }
  return out;
}

export function applyMutation(buf: Buffer, m: Mutation, format: LengthFormat): Buffer {
  if (m.kind === 'length') return rewriteLength(buf, m, format);
  const at = buf.length === 0 ? 0 : m.kind === 'insert' ? m.at % (buf.length + 1) : m.at % buf.length;
  switch (m.kind) {
    case 'flip': {
      if (buf.length === 0) return buf;
      const out = Buffer.from(buf);
      out[at] = out[at]! ^ (1 << m.bit);
      return out;
    }
    case 'set': {
      if (buf.length === 0) return buf;
      const out = Buffer.from(buf);
      out[at] = m.value;
      return out;
    }
    case 'truncate':
      return buf.subarray(0, at);
    case 'insert':
      return Buffer.concat([buf.subarray(0, at), m.bytes, buf.subarray(at)]);
    case 'delete':
      return Buffer.concat([buf.subarray(0, at), buf.subarray(at + m.n)]);
    case 'dup':
      return Buffer.concat([buf.subarray(0, at + m.n), buf.subarray(at)]);
  }
}

/** `valid` with one to four mutations applied. */
export function mutated(valid: fc.Arbitrary<Buffer>, format: LengthFormat): fc.Arbitrary<Buffer> {
  return fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([buf, ms]) => ms.reduce((b, m) => applyMutation(b, m, format), buf));
}

/** Half random bytes, half mutated valid input, tagged. */
export function fuzzInput(valid: fc.Arbitrary<Buffer>, format: LengthFormat, maxRandom = 300): fc.Arbitrary<Input> {
  return fc.oneof(
    randomBytes(maxRandom).map((bytes) => ({ origin: 'random' as const, bytes })),
    mutated(valid, format).map((bytes) => ({ origin: 'mutated' as const, bytes })),
  );
}

/** Random cut positions for feeding a stream in chunks. */
export const cuts = fc.array(fc.nat(), { maxLength: 40 });
