/** What the host link needs from the ISO 8583 codec, bound to one dialect. */
import type { IsoMessage } from '../iso8583/message.js';

export interface HostCodec {
  pack(msg: IsoMessage): Buffer;
  unpack(bytes: Buffer): IsoMessage;
  /** Masked one-line or multi-line description, safe to log. */
  describe(msg: IsoMessage): string;
}
