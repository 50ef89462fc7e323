/** MicroPython's socket module: TCP sockets of the simulated board. */
import { bytes, toBuffer } from "./bytes.ts";
import { callable } from "./callable.ts";
import { tuple } from "./exceptions.ts";
import { afterCall, boardInfo, call, hasHandlers, hostFunction, thrown } from "./host.ts";
import { typeName } from "./builtins.ts";
import { strictInstances } from "./attributes.ts";

const { AF_INET = 2, SOCK_STREAM = 1 } = boardInfo.socket;

/**
 * (ip, port) as it is, for the host to check as the port does (src/emulator/host/netutils.ts): an
 * array as a list of its items, anything else by its type's name. A bytes host crosses as its text
 * (an array's items cross as JSON).
 */
function address(addr: unknown): unknown {
  if (!Array.isArray(addr)) return { __t: typeName(addr) };
  return addr.map((v: unknown) =>
    typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : v instanceof Uint8Array ? String.fromCharCode(...v) : { __t: typeName(v) },
  );
}

/** The descriptor select/poll hands the host for a socket; undefined for anything else. */
export function socketFd(obj: unknown): number | undefined {
  return obj instanceof socket ? obj.fd : undefined;
}

function int(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new TypeError(`can't convert ${typeName(value)} to int`);
  return value;
}

/**
 * getaddrinfo(host, port[, af, type, proto, flags]): the firmware's list of 5-tuples; names come
 * from the simulated router's DNS (src/emulator/host/modsocket.ts has the rules per board).
 */
type AddrInfo = [family: number, type: number, proto: number, canonname: string, address: [string, number]];

function getaddrinfo(host: unknown, port: unknown, af = 0, type = 0, proto = 0, flags = 0): AddrInfo[] {
  if (typeof host !== "string") throw new TypeError(`can't convert '${typeName(host)}' object to str implicitly`);
  const p = typeof port === "string" ? port : int(port);
  const found = call<AddrInfo[]>("socketGetaddrinfo", host, p, int(af), int(type), int(proto), int(flags));
  return found.map(([f, t, pr, c, a]) => tuple<unknown>(f, t, pr, c, tuple<unknown>(a[0], a[1])) as AddrInfo);
}

/**
 * The host functions a server calls per message, called by the methods themselves as call2 would
 * (its try and its callbacks check written out): one interpreted frame less per call, and one less
 * for asyncify to unwind and rewind each time recv blocks (≈ 2 µs of a 64-byte round trip).
 */
const socketRecv = hostFunction("socketRecv");
const socketSend = hostFunction("socketSend");
const socketSendAll = hostFunction("socketSendAll");

class socket {
  readonly fd: number;
  constructor(af: number = AF_INET, type: number = SOCK_STREAM, proto: number = 0, fd?: number) {
    this.fd = fd ?? call<number>("socketNew", af, type, proto);
  }
  bind(addr: unknown): void {
    call("socketBind", this.fd, address(addr));
  }
  /**
   * Blocks until connected (or settimeout() expires): a board on the LAN, or out through the PC.
   * A hostname works only where the firmware resolves names.
   */
  connect(addr: unknown): void {
    call("socketConnect", this.fd, address(addr));
  }
  /** UDP: sends one datagram, returns its length. */
  sendto(data: unknown, addr: unknown): number {
    return call<number>("socketSendto", this.fd, toBuffer(data), address(addr));
  }
  /** UDP: the next datagram (at most bufsize bytes of it) and its sender: (data, (ip, port)). */
  recvfrom(bufsize: number): [bytes, [string, number]] {
    const [data, ip, port] = call<[ArrayBuffer, string, number]>("socketRecvfrom", this.fd, bufsize);
    return tuple<unknown>(new bytes(data), tuple<unknown>(ip, port)) as [bytes, [string, number]];
  }
  listen(backlog?: number): void {
    call("socketListen", this.fd, backlog ?? null);
  }
  accept(): [socket, [string, number]] {
    const [fd, ip, port] = call<[number, string, number]>("socketAccept", this.fd);
    return tuple<unknown>(new socket(AF_INET, SOCK_STREAM, 0, fd), tuple<unknown>(ip, port)) as [socket, [string, number]];
  }
  /** Returns how many bytes the board took, which can be fewer than given. */
  send(data: unknown): number {
    const buf = data instanceof Uint8Array ? data : toBuffer(data); // bytes: no toBuffer call
    let sent: unknown;
    try {
      sent = socketSend(this.fd, buf);
    } catch (error) {
      return thrown(socketSend, [this.fd, buf], error); // callbacks ran inside the wait, or the exception (host.ts)
    }
    if (hasHandlers) afterCall();
    return sent as number;
  }
  sendall(data: unknown): void {
    const buf = data instanceof Uint8Array ? data : toBuffer(data);
    // The host's answer (a count) never reaches here: engine.ts's DROPPING.
    try {
      socketSendAll(this.fd, buf);
    } catch (error) {
      thrown(socketSendAll, [this.fd, buf], error);
      return;
    }
    if (hasHandlers) afterCall();
  }
  /** write(buf): everything (blocking), or what the buffer took / null when non-blocking (py/stream.c). */
  write(data: unknown): number | null {
    return call<number | null>("socketWrite", this.fd, toBuffer(data));
  }
  recv(bufsize: number): bytes {
    let data: unknown;
    try {
      data = socketRecv(this.fd, bufsize);
    } catch (error) {
      return new bytes(thrown<ArrayBuffer>(socketRecv, [this.fd, bufsize], error));
    }
    if (hasHandlers) afterCall();
    return new bytes(data as ArrayBuffer);
  }
  /** read(n) waits for n bytes or the end, read() for the end; null (None) when non-blocking with nothing to read. */
  read(size?: number): bytes | null {
    const data = call<ArrayBuffer | null>("socketRead", this.fd, size ?? -1);
    return data === null ? null : new bytes(data);
  }
  readinto(buf: Uint8Array, nbytes?: number): number | null {
    const data = call<ArrayBuffer | null>("socketRead", this.fd, Math.min(nbytes ?? buf.length, buf.length));
    if (data === null) return null;
    buf.set(new Uint8Array(data));
    return data.byteLength;
  }
  /** readline(): bytes up to and including "\n" (mp_stream_unbuffered_readline). */
  readline(limit?: number): bytes | null {
    const data = call<ArrayBuffer | null>("socketReadline", this.fd, limit ?? -1);
    return data === null ? null : new bytes(data);
  }
  close(): void {
    call("socketClose", this.fd);
  }
  setsockopt(level: number, option: number, value: unknown): void {
    call("socketSetsockopt", this.fd, level, option, typeof value === "number" ? value : null);
  }
  settimeout(seconds: number | null): void {
    call("socketSetTimeout", this.fd, seconds === null || seconds === undefined ? null : seconds * 1000);
  }
  setblocking(flag: boolean): void {
    call("socketSetTimeout", this.fd, flag ? null : 0);
  }
  makefile(): this {
    return this;
  }
  __repr__(): string {
    return call<string>("socketRepr", this.fd);
  }
}

strictInstances(socket, "socket");

export default {
  ...boardInfo.socket,
  socket: callable(socket),
  getaddrinfo,
};
