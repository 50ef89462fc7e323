import { createHash } from "node:crypto";

/** RFC 6455 §1.3: the GUID the server appends to Sec-WebSocket-Key. */
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** The reply to a client's HTTP upgrade request (RFC 6455 §4.2.2), or null when it is not one. */
export function handshakeReply(request: string): string | null {
  const key = /^sec-websocket-key:\s*(\S+)\s*$/im.exec(request)?.[1];
  if (!key) return null;
  const accept = createHash("sha1").update(key + GUID).digest("base64");
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
}

/** A server's frame (RFC 6455 §5.2): FIN set, never masked. */
export function frame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? [0x80 | opcode, n] : n < 0x10000 ? [0x80 | opcode, 126, n >> 8, n & 0xff] : null;
  const header = head ? Uint8Array.from(head) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), u64(n)]);
  return Buffer.concat([header, payload]);
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Cuts a client's byte stream into frames, unmasking them (RFC 6455 §5.3). */
export class FrameReader {
  private buffer = Buffer.alloc(0);

  /** Adds bytes; returns the whole frames they complete. */
  push(data: Uint8Array): { opcode: number; payload: Buffer }[] {
    this.buffer = Buffer.concat([this.buffer, data]);
    const frames: { opcode: number; payload: Buffer }[] = [];
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) break;
      let length = b[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      const masked = (b[1]! & 0x80) !== 0;
      const mask = masked ? b.subarray(at, at + 4) : null;
      if (masked) at += 4;
      if (b.length < at + length) break;
      const payload = Buffer.from(b.subarray(at, at + length));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
      frames.push({ opcode: b[0]! & 0x0f, payload });
      this.buffer = b.subarray(at + length);
    }
    return frames;
  }
}
