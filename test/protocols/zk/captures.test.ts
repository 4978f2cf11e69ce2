import { describe, expect, it } from 'vitest';
import {
  ATTENDANCE_RECORD_SIZES,
  BulkTable,
  Command,
  EventFlag,
  RecordStream,
  TcpFramer,
  USER_RECORD_SIZES,
  checksumMatches,
  commKeyMatches,
  computeChecksum,
  decodeAttendance,
  decodeAttendanceEvent,
  decodeBulkRequest,
  decodeDatasetReady,
  decodeFreeSizes,
  decodeOptionRequest,
  decodePacket,
  decodePrepareData,
  decodeTcpFrame,
  decodeUser,
  deriveCommKey,
  encodeBulkRequest,
  encodePacket,
  encodeTcpFrame,
  isDisabled,
  pickRecordSize,
  privilegeLevel,
  type TerminalUser,
} from '../../../protocols/zk/index.js';
import * as C from './captures.js';
import { expectCode, recording } from './helpers.js';

const hex = C.hex;
/** The packet inside a TCP capture (strict: the prefix length must match). */
const tcpPacket = (h: string): Buffer => decodeTcpFrame(hex(h));

/** Feeds socket reads through a TcpFramer and decodes every packet. */
function framesOf(reads: readonly string[]) {
  const rec = recording((h, o) => new TcpFramer(h, o));
  rec.feed(reads.map(hex));
  return { packets: rec.frames.map((f) => decodePacket(f.packet)), rec };
}

function usersOf(dataset: Buffer, expectedCount?: number): TerminalUser[] {
  const users: TerminalUser[] = [];
  const stream = new RecordStream<TerminalUser>({
    sizes: USER_RECORD_SIZES,
    ...(expectedCount === undefined ? {} : { expectedCount }),
    decode: (buf, off, size) => decodeUser(buf, off, size as 72 | 28),
    onRecord: (u) => users.push(u),
  });
  stream.push(dataset);
  stream.finish();
  expect(stream.recordSize).toBe(72);
  return users;
}

describe('adrobinoga/zk-protocol checksum vectors', () => {
  it('OPTIONS_RRQ "ZKFaceVersion": checksum 0x175a', () => {
    const buf = hex(C.ADRO_OPTIONS_RRQ);
    expect(computeChecksum(buf)).toBe(0x175a);
    const p = decodePacket(buf);
    expect(p).toMatchObject({ command: Command.OPTIONS_RRQ, checksum: 0x175a, sessionId: 0x8df3, replyId: 3 });
    expect(decodeOptionRequest(p.data)).toBe('ZKFaceVersion');
  });

  it('odd-length ACK_OK: checksum 0x6a29 with the last byte counted alone', () => {
    const buf = hex(C.ADRO_ACK_ODD);
    expect(buf.length % 2).toBe(1);
    expect(computeChecksum(buf)).toBe(0x6a29);
    expect(decodePacket(buf)).toMatchObject({ command: Command.ACK_OK, sessionId: 0x8df3, replyId: 0x0a, data: Buffer.from([9]) });
  });
});

describe('pyzk test.py: connect, auth, exit', () => {
  it('our CONNECT request is byte for byte the one pyzk sends (TCP and UDP)', () => {
    expect(encodeTcpFrame(encodePacket(Command.CONNECT, 0, 0))).toEqual(hex(C.PYZK_CONNECT_REQUEST));
    expect(encodePacket(Command.CONNECT, 0, 0)).toEqual(hex(C.PYZK_CONNECT_REQUEST_UDP));
  });

  it('CONNECT reply issues the session', () => {
    expect(decodePacket(tcpPacket(C.PYZK_CONNECT_REPLY))).toMatchObject({ command: Command.ACK_OK, sessionId: 0xfb2f, replyId: 0 });
    expect(encodeTcpFrame(encodePacket(Command.EXIT, 0xfb2f, 1))).toEqual(hex(C.PYZK_EXIT));
  });

  it('comm key exchange: ACK_UNAUTH, AUTH payloads for keys 45 and 12, ACK_OK / refusal', () => {
    const unauth = decodePacket(tcpPacket(C.PYZK_UNAUTH_REPLY));
    expect(unauth).toMatchObject({ command: Command.ACK_UNAUTH, sessionId: 0x45cf, replyId: 0 });
    const auth45 = decodePacket(tcpPacket(C.PYZK_AUTH_45));
    expect(auth45).toMatchObject({ command: Command.AUTH, sessionId: 0x45cf, replyId: 1 });
    expect(auth45.data).toEqual(hex('61c9323c'));
    expect(deriveCommKey(45, unauth.sessionId)).toEqual(auth45.data);
    expect(encodeTcpFrame(encodePacket(Command.AUTH, 0x45cf, 1, deriveCommKey(45, 0x45cf)))).toEqual(hex(C.PYZK_AUTH_45));
    expect(commKeyMatches(auth45.data, 45, 0x45cf)).toBe(true);
    expect(commKeyMatches(auth45.data, 12, 0x45cf)).toBe(false);
    expect(decodePacket(tcpPacket(C.PYZK_AUTH_OK))).toMatchObject({ command: Command.ACK_OK, replyId: 1 });

    const auth12 = decodePacket(tcpPacket(C.PYZK_AUTH_12));
    expect(auth12.data).toEqual(deriveCommKey(12, 0x45cf));
    expect(commKeyMatches(auth12.data, 12, 0x45cf)).toBe(true);
    expect(decodePacket(tcpPacket(C.PYZK_AUTH_REFUSED))).toMatchObject({ command: Command.ACK_UNAUTH, replyId: 1 });
  });
});

describe('pyzk test.py: free sizes', () => {
  it('GET_FREE_SIZES request matches ours', () => {
    expect(encodeTcpFrame(encodePacket(Command.GET_FREE_SIZES, 0x45cf, 2))).toEqual(hex(C.PYZK_GET_FREE_SIZES));
  });

  it('the recorded reply is 6 bytes short of its declared length, yet its checksum holds', () => {
    const buf = hex(C.PYZK_FREE_SIZES_REPLY);
    expect(buf.readUInt32LE(4)).toBe(100);
    expect(buf.length - 8).toBe(94);
    expectCode(() => decodeTcpFrame(buf), 'TRUNCATED');
    const framer = recording((h, o) => new TcpFramer(h, o));
    framer.feed([buf]);
    expect(framer.frames).toHaveLength(0);
    expect(framer.framer.buffered).toBe(buf.length);
    // Zero padding does not change a one's-complement sum: the missing bytes were zeros.
    framer.feed([Buffer.alloc(6)]);
    expect(framer.frames).toHaveLength(1);
    expect(framer.discards).toEqual([]);
  });

  it('decodes what pyzk asserts, and capacity - count = free for each table', () => {
    const p = decodePacket(hex(C.PYZK_FREE_SIZES_REPLY).subarray(8));
    expect(p.command).toBe(Command.ACK_OK);
    const s = decodeFreeSizes(p.data);
    expect(s).toMatchObject({ users: 7, fingerprints: 6, records: 605, oplog: 3087, admins: 1 });
    expect(s).toMatchObject({ fingerprintCapacity: 3000, userCapacity: 10000, recordCapacity: 100000 });
    expect(s.usersFree).toBe(s.userCapacity - s.users);
    expect(s.fingerprintsFree).toBe(s.fingerprintCapacity - s.fingerprints);
    expect(s.recordsFree).toBe(s.recordCapacity - s.records);
    expect(s.faces).toBeUndefined();
    expect(decodeFreeSizes(Buffer.concat([p.data, Buffer.alloc(6)]))).toMatchObject({ users: 7, faces: 0, faceCapacity: 0 });
  });

  it('80-byte replies (K20 and the 70-user terminal)', () => {
    const k20 = decodeFreeSizes(decodePacket(tcpPacket(C.PYZK_K20_FREE_SIZES_80)).data);
    expect(k20).toMatchObject({ users: 2, records: 0, userCapacity: 500, usersFree: 498, recordCapacity: 50000, faces: undefined });
    const bt = decodeFreeSizes(decodePacket(tcpPacket(C.PYZK_BT_FREE_SIZES_80)).data);
    expect(bt).toMatchObject({ users: 70, fingerprints: 70, records: 3225, admins: 6, usersFree: 430, recordsFree: 46775 });
  });
});

describe('pyzk test.py: user tables', () => {
  it('DATA_WRRQ for users is BulkTable.users', () => {
    const p = decodePacket(tcpPacket(C.PYZK_DATA_WRRQ_USERS));
    expect(p).toMatchObject({ command: Command.DATA_WRRQ, sessionId: 0x45cf, replyId: 0x14 });
    expect(decodeBulkRequest(p.data)).toEqual(BulkTable.users);
    expect(encodeBulkRequest(BulkTable.users)).toEqual(p.data);
  });

  it('one DATA packet with seven 72-byte users', () => {
    const p = decodePacket(tcpPacket(C.PYZK_USERS_DATA));
    expect(p.command).toBe(Command.DATA);
    const users = usersOf(p.data, 7);
    expect(users.map((u) => u.uid)).toEqual([1, 2, 3, 4, 5, 6, 12]);
    expect(users[3]).toMatchObject({ uid: 4, userId: '831' });
    expect(users[0]).toMatchObject({ uid: 1, userId: '808', privilege: 14, name: '', card: 0 });
    expect(privilegeLevel(users[0]!.privilege)).toBe(14);
    expect(isDisabled(users[0]!.privilege)).toBe(false);
  });

  it('K20: a DATA packet split over two reads yields two users', () => {
    const { packets, rec } = framesOf(C.PYZK_K20_USERS_READS);
    expect(rec.discards).toEqual([]);
    expect(packets).toHaveLength(1);
    const users = usersOf(packets[0]!.data);
    expect(users[0]).toMatchObject({ uid: 1, name: 'cfulano', userId: '100001lp' });
    expect(users[1]).toMatchObject({ uid: 2, name: 'rmengano', userId: '222222cb' });
  });
});

describe('pyzk test.py: buffered read of 70 users over six DATA packets', () => {
  it('announcement and PREPARE_DATA name the 5044-byte dataset', () => {
    const ready = decodePacket(tcpPacket(C.PYZK_BT_DATASET_READY));
    expect(ready.command).toBe(Command.ACK_OK);
    expect(decodeDatasetReady(ready.data)).toBe(5044);
    const prep = decodePacket(tcpPacket(C.PYZK_BT_PREPARE));
    expect(prep.command).toBe(Command.PREPARE_DATA);
    expect(decodePrepareData(prep.data)).toBe(5044);
    expect(decodePacket(tcpPacket(C.PYZK_BT_FREE_DATA)).command).toBe(Command.FREE_DATA);
  });

  function dataset(reads: readonly string[]): Buffer {
    const { packets, rec } = framesOf(reads);
    expect(rec.discards).toEqual([]);
    expect(rec.framer.buffered).toBe(0);
    expect(packets.map((p) => p.command)).toEqual(Array(6).fill(Command.DATA));
    expect(packets.map((p) => p.data.length)).toEqual([1008, 1008, 1008, 1008, 1008, 4]);
    return Buffer.concat(packets.map((p) => p.data));
  }

  it('with the reads in order: 70 users, uids 1..70, the ones pyzk asserts', () => {
    const data = dataset(C.PYZK_BT_READS_FIXED);
    expect(data.length).toBe(5044);
    const users = usersOf(data, 70);
    expect(users.map((u) => u.uid)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    expect(users[0]).toMatchObject({ userId: '5147983', name: 'JesusSaldivar', password: '5147983', privilege: 14 });
    expect(users[1]).toMatchObject({ uid: 2, userId: '3494866', name: 'NievesLopez' });
    expect(users[44]).toMatchObject({ uid: 45, userId: '2665736', name: 'marchuk' });
    // adrobinoga's data-user.md: bytes 39..47 are "01 00 00 00 00 00 00 00 00" on its terminal; so here.
    for (let i = 0; i < 70; i++) expect(data.subarray(4 + i * 72 + 39, 4 + i * 72 + 48)).toEqual(hex('010000000000000000'));
  });

  it('as published (two reads swapped) the checksums still pass but records 3..9 are misaligned', () => {
    const data = dataset(C.PYZK_BT_READS);
    const users = usersOf(data, 70);
    expect(users[1]).toMatchObject({ uid: 2, name: 'NievesLopez' });
    expect(users[3]!.uid).not.toBe(4);
  });
});

describe('realtime events', () => {
  it('pyzk: the 12-byte ATTLOG event', () => {
    const p = decodePacket(hex(C.PYZK_EVENT_12));
    expect(p).toMatchObject({ command: Command.REG_EVENT, sessionId: EventFlag.ATTLOG, replyId: 0 });
    expect(decodeAttendanceEvent(p.data)).toMatchObject({
      userId: '4822257',
      verify: 0,
      state: 0,
      time: { year: 2018, month: 12, day: 7, hour: 19, minute: 9, second: 6 },
    });
  });

  it('pyzk: the 32-byte ATTLOG event has a borrowed checksum; its data decodes', () => {
    const buf = hex(C.PYZK_EVENT_32);
    expect(checksumMatches(buf)).toBe(false);
    expectCode(() => decodePacket(buf), 'CHECKSUM');
    const p = decodePacket(buf, { verifyChecksum: false });
    expect(decodeAttendanceEvent(p.data)).toMatchObject({
      userId: '1140064',
      verify: 15,
      state: 0,
      workcode: 0,
      time: { year: 2018, month: 11, day: 29, hour: 12, minute: 55, second: 3 },
    });
  });
});

describe('attendance captures', () => {
  it('js_zklib#53 (K40): nine reads, eight packets, none dropped, sizes agree', () => {
    const { packets, rec } = framesOf(C.JSZKLIB_K40_STREAM);
    expect(rec.discards).toEqual([]);
    expect(packets.map((p) => p.command)).toEqual([1000, 2000, Command.ATTLOG_RRQ, 1500, 1501, 1001, 2000, 2000]);
    expect(packets[0]!.replyId).toBe(1);
    const announced = decodePrepareData(packets[3]!.data);
    const data = packets[4]!.data;
    expect(announced).toBe(data.length);
    expect(data.readUInt32LE(0)).toBe(120);
    expect(pickRecordSize(120, ATTENDANCE_RECORD_SIZES, 3)).toBe(40);
  });

  it('js_zklib#50: 16-byte records (user id, time) in order, with a duplicate punch', () => {
    const data = decodePacket(hex(C.JSZKLIB_ATT16_DATA_HEAD), { verifyChecksum: false }).data;
    const records = [0, 1, 2, 3, 4, 5].map((i) => decodeAttendance(data, 4 + i * 16, 16));
    expect(records.map((r) => r.userId)).toEqual(['21', '16', '11', '13', '13', '12']);
    expect(records.map((r) => r.rawTime)).toEqual([0x234f15ec, 0x234f1695, 0x234f19c1, 0x234f1b52, 0x234f1b52, 0x234f1b5c]);
    expect(records[0]!.time).toEqual({ year: 2018, month: 6, day: 6, hour: 7, minute: 31, second: 56 });
    expect(records[5]!.time).toEqual({ year: 2018, month: 6, day: 6, hour: 7, minute: 55, second: 8 });
    expect(records[3]).toEqual(records[4]);
    expect(records.every((r) => r.verify === 0 && r.state === 0 && r.workcode === 0 && r.uid === undefined)).toBe(true);
  });

  it('node-zklib#19: 1360 bytes for 34 records are 40-byte records; the first one', () => {
    const prep = decodePacket(tcpPacket(C.NODEZKLIB_ATT_PREPARE));
    expect(decodePrepareData(prep.data)).toBe(1364);
    const head = hex(C.NODEZKLIB_ATT_DATA_HEAD);
    expect(head.readUInt32LE(16)).toBe(1360);
    expect(pickRecordSize(1360, ATTENDANCE_RECORD_SIZES, 34)).toBe(40);
    const record = Buffer.concat([head.subarray(20), Buffer.alloc(13)]); // the cut-off tail as zeros
    expect(record.length).toBe(40);
    expect(decodeAttendance(record, 0, 40)).toMatchObject({ uid: 44, userId: '410213', verify: 1 });
  });
});
