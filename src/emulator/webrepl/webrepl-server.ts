import type { Logger } from "pino";
import type { TcpSocket } from "../../network-sim/tcp/tcp-socket.ts";
import type { Flash } from "../flash.ts";
import type { BoardSerial } from "../console/board-serial.ts";
import { GuestException } from "../host-api.ts";
import { FrameReader, frame, handshakeReply, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT } from "./websocket.ts";

/**
 * WebREPL's file records (docs.micropython.org "WebREPL" and the official client's protocol): a
 * binary message "WA", op, flags, offset u64, size u32, name length u16, name[64], little-endian.
 */
const HEADER_BYTES = 82;
/** extmod/modwebrepl.c:57 (v1.23.0): PUT_FILE = 1, GET_FILE, GET_VER. */
const PUT_FILE = 1;
const GET_FILE = 2;
const GET_VER = 3;
/** Bytes per GET chunk (each sent as u16 length + data after the client's request byte): modwebrepl.c:118 write_file_chunk's readbuf[2 + 256]. */
const GET_CHUNK = 256;

const latin1 = (text: string) => Buffer.from(text, "latin1");
const status = (code: number) => Uint8Array.from([0x57, 0x42, code & 0xff, code >> 8]); // "WB" + u16 status

/** One client's WebREPL session: password, then the console, and file get/put, over one WebSocket. */
export class WebReplSession {
  private readonly frames = new FrameReader();
  private sending: Promise<unknown> = Promise.resolve();
  private loggedIn = false;
  private typed = "";
  private unsubscribe: (() => void) | null = null;
  /** The firmware took the WebSocket off the console: the session ends, what else came is dropped. */
  private deactivated = false;
  /** Binary bytes of a file record not yet used. */
  private record = Buffer.alloc(0);
  private put: { name: string; offset: number; left: number } | null = null;
  private get: { data: Uint8Array; offset: number; done: boolean } | null = null;
  /** An op other than put, get and version was answered: the firmware waits for no record again. */
  private stalled = false;

  constructor(
    private readonly conn: TcpSocket,
    private readonly password: string,
    private readonly serial: BoardSerial,
    private readonly flash: Flash | null,
    private readonly log: Logger,
    /** The firmware's MICROPY_VERSION_STRING ("1.23.0"), which GET_VER answers. */
    private readonly release: string,
    /** How the board prints OSError(n)'s arguments: "[Errno 2] ENOENT" (boards/errno.ts oserrorTexts). */
    private readonly oserror: Record<number, string>,
  ) {}

  /** Serves the connection until either side closes it. */
  async run(): Promise<void> {
    try {
      let request = "";
      while (!request.includes("\r\n\r\n")) {
        const data = await this.conn.recv(1024);
        if (data.length === 0) return;
        request += Buffer.from(data).toString("latin1");
      }
      const reply = handshakeReply(request);
      if (!reply) return;
      this.send(latin1(reply));
      // extmod/modwebrepl.c: passwd_prompt, then connected_prompt or denied_prompt (v1.23.0).
      this.sendText("Password: ");
      for (;;) {
        const data = await this.conn.recv(4096);
        if (data.length === 0) return;
        for (const { opcode, payload } of this.frames.push(data)) {
          if (this.deactivated) return;
          if (opcode === OP_CLOSE) return this.send(frame(OP_CLOSE, new Uint8Array()));
          if (opcode === OP_PING) this.send(frame(OP_PONG, payload));
          else if (!this.loggedIn) this.login(payload);
          else if (opcode === OP_BINARY) this.fileBytes(payload);
          else if (opcode === OP_TEXT) this.serial.write(payload);
        }
        if (this.conn.isClosed || this.deactivated) return;
      }
    } catch {
      // The connection failed or the board reset: nothing to tell, the client sees its end.
    } finally {
      this.unsubscribe?.();
      await this.sending.catch(() => {});
      this.conn.close();
    }
  }

  private login(payload: Buffer): void {
    this.typed += payload.toString("latin1");
    const end = this.typed.search(/[\r\n]/);
    if (end < 0) return;
    if (this.typed.slice(0, end) !== this.password) {
      this.log.info("WebREPL: access denied");
      this.sendText("\r\nAccess denied\r\n");
      void this.sending.then(() => this.conn.close());
      return;
    }
    this.loggedIn = true;
    this.log.info("WebREPL connected");
    this.sendText("\r\nWebREPL connected\r\n>>> ");
    // dupterm: the console's output goes to the WebSocket too, as to the serial port.
    this.unsubscribe = this.serial.onOutput((data) => this.send(frame(OP_TEXT, data)));
  }

  /** Binary messages: a file record's header, a PUT's data, or a GET's next-chunk requests. */
  private fileBytes(payload: Buffer): void {
    let bytes: Buffer = payload;
    while (bytes.length > 0 && !this.deactivated && !this.stalled) {
      if (this.put) {
        const chunk = bytes.subarray(0, this.put.left);
        bytes = bytes.subarray(chunk.length);
        this.flashWrite(chunk);
      } else if (this.get) {
        bytes = bytes.subarray(1); // each byte asks for the next chunk
        this.nextChunk();
      } else {
        this.record = Buffer.concat([this.record, bytes]);
        bytes = Buffer.alloc(0);
        if (this.record.length < HEADER_BYTES) return;
        const header = this.record.subarray(0, HEADER_BYTES);
        bytes = this.record.subarray(HEADER_BYTES);
        this.record = Buffer.alloc(0);
        this.startRecord(header);
      }
    }
  }

  /**
   * handle_op (extmod/modwebrepl.c:133-174, v1.23.0), which reads neither the "WA" signature nor
   * the name's length: the name is the bytes up to a NUL (:155, strlen).
   */
  private startRecord(header: Buffer): void {
    const op = header[2];
    if (op === GET_VER) {
      // modwebrepl.c:137-142: MICROPY_VERSION_MAJOR, _MINOR, _MICRO as three bytes, no status
      // (webrepl_cli.py asks for it before each put or get and prints "Remote WebREPL version").
      return this.send(frame(OP_BINARY, Uint8Array.from(this.release.split(".").map(Number))));
    }
    if (!this.flash) return this.reply(1);
    const size = header.readUInt32LE(12);
    const fname = header.subarray(18);
    const name = fname.toString("utf8", 0, fname.includes(0) ? fname.indexOf(0) : fname.length);
    try {
      if (op === PUT_FILE) {
        this.flash.open(name, "wb");
        this.put = { name, offset: 0, left: size };
        this.reply(0);
        if (size === 0) this.endPut();
      } else if (op === GET_FILE) {
        const total = this.flash.open(name, "rb");
        this.get = { data: this.flash.read(name, 0, total), offset: 0, done: false };
        this.reply(0);
      } else {
        // Any other op opens the file for reading as a get does (:153-160) and answers 0 (:169),
        // then reads no data and waits for no header again (hdr_to_recv is set back only at
        // GET_VER, :141, and at a file op's end, :112): the session's binary messages are dropped
        // from then on; the console goes on.
        this.flash.open(name, "rb");
        this.stalled = true;
        this.reply(0);
      }
    } catch (error) {
      if (!(error instanceof GuestException)) throw error;
      return this.deactivate(error);
    }
    this.log.info({ op: op === PUT_FILE ? "put" : op === GET_FILE ? "get" : op, file: name }, "WebREPL file transfer");
  }

  /**
   * A file that cannot be opened: mp_builtin_open raises in the WebSocket's dupterm read
   * (extmod/modwebrepl.c:159, v1.23.0), so extmod/os_dupterm.c:163 mp_os_deactivate (:41-59) takes it
   * off the console, prints the exception on the board's own console and closes the connection
   * (modwebrepl.c:301-304 closes the WebSocket's socket): no status record, no close frame.
   */
  private deactivate(error: GuestException): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    const [errno] = error.pyArgs;
    const args = typeof errno === "number" ? (this.oserror[errno] ?? String(errno)) : error.pyArgs.join(", ");
    void this.serial.print(latin1(`dupterm: Exception in read() method, deactivating: ${error.pyType}: ${args}\r\n`));
    this.log.info("WebREPL: the file could not be opened; dupterm deactivated, connection closed");
    this.deactivated = true; // run() ends and closes the connection
  }

  private flashWrite(chunk: Buffer): void {
    const put = this.put!;
    try {
      this.flash!.write(put.name, put.offset, chunk);
    } catch {
      this.put = null;
      return this.reply(1); // ENOSPC and the like
    }
    put.offset += chunk.length;
    put.left -= chunk.length;
    if (put.left === 0) this.endPut();
  }

  private endPut(): void {
    this.put = null;
    this.reply(0);
  }

  private nextChunk(): void {
    const get = this.get!;
    const chunk = get.data.subarray(get.offset, get.offset + GET_CHUNK);
    get.offset += chunk.length;
    const length = Uint8Array.from([chunk.length & 0xff, chunk.length >> 8]);
    // A zero length ends the file; the final status follows it.
    if (chunk.length === 0) {
      this.get = null;
      return this.send(frame(OP_BINARY, Buffer.concat([length, status(0)])));
    }
    this.send(frame(OP_BINARY, Buffer.concat([length, chunk])));
  }

  /** A "WB" status record: 0 done, otherwise failed. */
  private reply(code: number): void {
    this.send(frame(OP_BINARY, status(code)));
  }

  private sendText(text: string): void {
    this.send(frame(OP_TEXT, latin1(text)));
  }

  private send(data: Uint8Array): void {
    // In order, each waiting for the board's send buffer (a slow client slows the console).
    this.sending = this.sending.then(() => (this.conn.isClosed ? 0 : this.conn.send(data, undefined, true))).catch(() => {});
  }
}
