/** Command and reply codes of the ZK terminal protocol (decimal values from the vendor manual). */
export const Command = {
  CONNECT: 1000,
  EXIT: 1001,
  ENABLEDEVICE: 1002,
  DISABLEDEVICE: 1003,
  RESTART: 1004,
  REFRESHDATA: 1013,
  GET_VERSION: 1100,
  AUTH: 1102,
  PREPARE_DATA: 1500,
  DATA: 1501,
  FREE_DATA: 1502,
  DATA_WRRQ: 1503,
  DATA_RDY: 1504,
  USER_WRQ: 8,
  USERTEMP_RRQ: 9,
  OPTIONS_RRQ: 11,
  OPTIONS_WRQ: 12,
  ATTLOG_RRQ: 13,
  CLEAR_DATA: 14,
  CLEAR_ATTLOG: 15,
  GET_FREE_SIZES: 50,
  STARTVERIFY: 60,
  CANCELCAPTURE: 62,
  GET_TIME: 201,
  SET_TIME: 202,
  REG_EVENT: 500,
  ACK_OK: 2000,
  ACK_ERROR: 2001,
  ACK_DATA: 2002,
  ACK_UNAUTH: 2005,
  ACK_UNKNOWN: 0xffff,
} as const;

export type CommandName = keyof typeof Command;

const names = new Map<number, CommandName>(
  (Object.entries(Command) as Array<[CommandName, number]>).map(([name, code]) => [code, name]),
);

/** Human-readable name of a command code, for logs and errors. */
export function commandName(code: number): string {
  return names.get(code) ?? `CMD_${code}`;
}

/** Flags of REG_EVENT's mask, and of the session field of an event packet. */
export const EventFlag = {
  ATTLOG: 1,
  FINGER: 2,
  ENROLLUSER: 4,
  ENROLLFINGER: 8,
  BUTTON: 16,
  UNLOCK: 32,
  VERIFY: 128,
  FPFTR: 256,
  ALARM: 512,
} as const;

/** Chunk size real terminals and clients use for bulk reads over TCP. */
export const TCP_CHUNK_SIZE = 0xffc0;
/** Chunk size for bulk reads over UDP and serial. */
export const SMALL_CHUNK_SIZE = 16 * 1024;
/** Largest data part of one UDP or serial DATA packet during a chunked read. */
export const DATAGRAM_DATA_SIZE = 1024;
/** Default ZK port, TCP and UDP. */
export const DEFAULT_PORT = 4370;
