import { ProtocolError } from '../../errors.js';
import { Command, commandName } from '../commands.js';
import type { Packet } from '../packet.js';

/** The typed error for a reply that is not the success the request needed. */
export function replyError(reply: Packet, request: string): ProtocolError {
  const details = { command: reply.command, replyId: reply.replyId };
  switch (reply.command) {
    case Command.ACK_UNAUTH:
      return new ProtocolError('UNAUTHORIZED', `terminal refused ${request}: not authorised (comm key needed or wrong)`, { details });
    case Command.ACK_ERROR:
      return new ProtocolError('DEVICE_ERROR', `terminal answered ${request} with ACK_ERROR`, { details });
    case Command.ACK_UNKNOWN:
      return new ProtocolError('DEVICE_ERROR', `terminal does not know ${request} (ACK_UNKNOWN)`, { details });
    default:
      return new ProtocolError('UNEXPECTED_REPLY', `terminal answered ${request} with ${commandName(reply.command)}`, { details });
  }
}

/** Throws unless the reply is ACK_OK (or one of `accept`). */
export function expectReply(reply: Packet, request: string, accept: readonly number[] = [Command.ACK_OK]): Packet {
  if (!accept.includes(reply.command)) throw replyError(reply, request);
  return reply;
}
