import { ProtocolError } from '../errors.js';

/** Counts and capacities from GET_FREE_SIZES. */
export interface FreeSizes {
  users: number;
  fingerprints: number;
  records: number;
  oplog: number;
  admins: number;
  fingerprintCapacity: number;
  userCapacity: number;
  recordCapacity: number;
  fingerprintsFree: number;
  usersFree: number;
  recordsFree: number;
  /** Present when the reply has the face block (92 bytes). */
  faces: number | undefined;
  faceCapacity: number | undefined;
}

export const FREE_SIZES_MIN = 80;
export const FREE_SIZES_WITH_FACES = 92;

/** Decodes the reply: i32 words [4] users, [6] fp, [8] records, [10] oplog, [12] admins, [14..19] capacities. */
export function decodeFreeSizes(data: Uint8Array): FreeSizes {
  if (data.length < FREE_SIZES_MIN) {
    throw new ProtocolError('TRUNCATED', `free sizes need ${FREE_SIZES_MIN} bytes, got ${data.length}`);
  }
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const word = (i: number): number => view.readInt32LE(i * 4);
  const hasFaces = view.length >= FREE_SIZES_WITH_FACES;
  return {
    users: word(4),
    fingerprints: word(6),
    records: word(8),
    oplog: word(10),
    admins: word(12),
    fingerprintCapacity: word(14),
    userCapacity: word(15),
    recordCapacity: word(16),
    fingerprintsFree: word(17),
    usersFree: word(18),
    recordsFree: word(19),
    faces: hasFaces ? view.readInt32LE(80) : undefined,
    faceCapacity: hasFaces ? view.readInt32LE(88) : undefined,
  };
}

export function encodeFreeSizes(s: FreeSizes): Buffer {
  const buf = Buffer.alloc(FREE_SIZES_WITH_FACES);
  const put = (i: number, v: number): void => void buf.writeInt32LE(v, i * 4);
  put(4, s.users);
  put(6, s.fingerprints);
  put(8, s.records);
  put(10, s.oplog);
  put(12, s.admins);
  put(14, s.fingerprintCapacity);
  put(15, s.userCapacity);
  put(16, s.recordCapacity);
  put(17, s.fingerprintsFree);
  put(18, s.usersFree);
  put(19, s.recordsFree);
  buf.writeInt32LE(s.faces ?? 0, 80);
  buf.writeInt32LE(s.faceCapacity ?? 0, 88);
  return buf;
}
