import { bufferOf, milliseconds } from "./arguments.ts";
import { cString, esp32Getaddrinfo, inetAddress, lookup, unansweredQueryMs } from "./netutils.ts";
import { sleep } from "../../network-sim/clock/clock.ts";
import { NetError } from "../../network-sim/errors.ts";
import { TcpSocket } from "../../network-sim/tcp/tcp-socket.ts";
import { type Datagram, UdpSocket } from "../../network-sim/udp/udp-socket.ts";
import { GuestException, type HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/** py/stream.c DEFAULT_BUFFER_SIZE: readall()'s step. */
const READALL_STEP = 256;

/** What a read gives back: bytes, or null where the firmware's stream returns None (nothing yet, non-blocking). */
export type ReadResult = Uint8Array | null;

/** MicroPython's socket module (extmod/modlwip.c on lwIP ports, ports/esp32's modsocket.c): TCP and UDP. */
export function modsocket(board: BoardContext) {
  const { profile, sockets } = board;
  const esp32 = profile.socket.module === "esp32";
  // ESP32: a read that gives 0 bytes (an empty datagram) marks the socket PEER_CLOSED, and every
  // later read gives 0 bytes at once (ports/esp32/modsocket.c _socket_read_data, v1.27.0 lines
  // 631-633 and 655-657, v1.23.0 lines 624 and 649). recvfrom's address then is an unset C struct:
  // UNVERIFIED, boardsim gives the empty datagram's sender.
  const peerClosed = new WeakMap<UdpSocket, Datagram>();
  const recvfrom = (s: UdpSocket, max: number): Datagram | Promise<Datagram> => {
    const ended = peerClosed.get(s);
    if (ended) return ended;
    const d = s.recvfrom(max, board.signal);
    if (!esp32) return d;
    const mark = (x: Datagram): Datagram => (x.data.length === 0 && peerClosed.set(s, x), x);
    return d instanceof Promise ? d.then(mark) : mark(d);
  };
  /**
   * One read of at most `max` bytes as the port's stream read does: a datagram, or what the TCP
   * queue has. A UDP socket's read(n)/readinto(buf) loops over datagrams too, as over TCP: each read is one
   * datagram cut to what is still wanted, the rest of it dropped (modlwip.c lwip_socket_read →
   * lwip_raw_udp_receive, v1.27.0 lines 1528-1542, 680-721; ESP32 socket_stream_read →
   * lwip_recvfrom, ports/esp32/modsocket.c v1.27.0 lines 617-666, 797), until n bytes, an empty
   * datagram (a read of 0: the end), or an error (py/stream.c v1.27.0 mp_stream_rw lines 46-83).
   */
  const readOnce = (s: TcpSocket | UdpSocket, max: number): Uint8Array | Promise<Uint8Array> => {
    if (s instanceof TcpSocket) return s.recv(max, board.signal);
    const d = recvfrom(s, max);
    return d instanceof Promise ? d.then((x) => x.data) : d.data;
  };
  return {
    socketNew: (_af: number, type: number): number => {
      const { SOCK_STREAM, SOCK_DGRAM } = profile.socket.constants;
      if (type !== SOCK_STREAM && type !== SOCK_DGRAM) throw new NetError("EOPNOTSUPP");
      const { maxSockets, udpPcbs, socketsExhausted } = profile.socket;
      // ESP32: one descriptor table for TCP and UDP (lwip_socket, CONFIG_LWIP_MAX_SOCKETS → ENFILE).
      // lwIP raw API: tcp_new()/udp_new() fail on their own pools and modlwip raises ENOMEM
      // (extmod/modlwip.c lwip_socket_make_new: `if (socket->pcb.tcp == NULL) mp_raise_OSError(MP_ENOMEM)`).
      if (esp32 && sockets.open() >= maxSockets) throw new NetError(socketsExhausted);
      if (type === SOCK_DGRAM) {
        if (sockets.open(UdpSocket) >= udpPcbs) throw new NetError(socketsExhausted);
        return sockets.add(new UdpSocket(sockets.host));
      }
      sockets.checkTcpRoom();
      return sockets.add(new TcpSocket(sockets.host));
    },
    socketConnect: (id: number, addr: HostValue): null | Promise<null> => {
      const [ip, port] = inetAddress(board, addr, "connect");
      const socket = sockets.get(id);
      if (socket instanceof UdpSocket) return socket.connect(ip, port)?.then(() => null) ?? null;
      return socket.connect(ip, port, board.signal).then(() => null);
    },
    socketSendto: (id: number, data: Uint8Array | string, addr: HostValue): number | Promise<number> => sockets.udp(id).sendto(bufferOf(data), ...inetAddress(board, addr, "sendto")),
    socketRecvfrom: async (id: number, size: number): Promise<HostValue> => {
      const { data, from } = await recvfrom(sockets.udp(id), size);
      return [data, from[0], from[1]];
    },
    socketBind: (id: number, addr: HostValue): null | Promise<null> => sockets.get(id).bind(...inetAddress(board, addr, "bind"))?.then(() => null) ?? null,
    socketListen: (id: number, backlog: number | null): Promise<null> => sockets.tcp(id).listen(backlog ?? profile.socket.defaultBacklog).then(() => null),
    socketAccept: (id: number): HostValue | Promise<HostValue> => {
      const accepted = (conn: TcpSocket): HostValue => {
        const fd = sockets.add(conn);
        sockets.host.roomFreed(); // the connection left the accept queue
        return [fd, ...conn.remote!];
      };
      const conn = sockets.tcp(id).accept(board.signal);
      return conn instanceof Promise ? conn.then(accepted) : accepted(conn);
    },
    socketSend: (id: number, data: Uint8Array | string): number | Promise<number> => {
      const socket = sockets.get(id);
      const bytes = bufferOf(data);
      return socket instanceof UdpSocket ? socket.send(bytes) : socket.send(bytes, board.signal);
    },
    socketSendAll: (id: number, data: Uint8Array | string): number | Promise<number> => sockets.tcp(id).send(bufferOf(data), board.signal, true),
    socketRecv: (id: number, size: number): Uint8Array | Promise<Uint8Array> => readOnce(sockets.get(id), size),
    socketClose: (id: number): null => {
      sockets.close(id);
      return null;
    },
    socketSetTimeout: (id: number, ms: number | null): null => {
      sockets.get(id).timeoutMs = ms === null ? null : milliseconds(ms);
      return null;
    },
    socketSetsockopt: (id: number, _level: number, option: number): null => {
      sockets.get(id);
      const known = Object.entries(profile.socket.constants).some(([name, value]) => /^(SO_|TCP_|IP_)/.test(name) && value === option);
      if (!known) board.console(profile.socket.setsockoptWarning + "\n");
      return null;
    },
    /**
     * getaddrinfo(host, port, af, type, proto, flags) → the firmware's list of 5-tuples (as lists).
     * modlwip.c v1.23.0 lwip_getaddrinfo (lines 1746-1813): one (AF_INET, SOCK_STREAM, 0, '', addr);
     * other constraints only warn; "" is ERR_ARG from lwIP's dns_gethostbyname (netutils.ts lookup).
     * esp32 modsocket.c v1.23.0 (lines 215-262, 920-975): lwIP's getaddrinfo echoes type (0 → SOCK_STREAM)
     * and proto, canonname is the host as looked up; "" means 0.0.0.0; a port outside 0..65535 is EAI_SERVICE (-201).
     * Both ports read the host as a C string (modlwip.c v1.23.0 lines 1748-1781, v1.27.0 1791-1837:
     * mp_obj_str_get_str then dns_gethostbyname), so up to its first NUL: netutils.ts cString.
     */
    socketGetaddrinfo: (host: string, portIn: number | string, family: number, type: number, proto: number, flags: number): HostValue | Promise<HostValue> => {
      const { AF_INET, SOCK_STREAM } = profile.socket.constants as { AF_INET: number; SOCK_STREAM: number };
      if (esp32) {
        const [ip, port, name] = esp32Getaddrinfo(board, host, String(portIn));
        return [[AF_INET, type === 0 ? SOCK_STREAM : type, proto, name, [ip, port]]];
      }
      // mp_obj_get_int(port_in): a str port is a TypeError on the lwIP raw-API ports.
      if (typeof portIn !== "number") throw new GuestException("TypeError", ["can't convert str to int"]);
      if (!((family === 0 || family === AF_INET) && (type === 0 || type === SOCK_STREAM) && proto === 0 && flags === 0)) {
        board.console("Warning: unsupported getaddrinfo constraints\n");
      }
      const name = cString(host);
      const answer = (): HostValue => [[AF_INET, SOCK_STREAM, 0, "", [lookup(board, name), portIn]]];
      const waitMs = unansweredQueryMs(board, name);
      return waitMs > 0 ? sleep(board.clock, waitMs, board.signal).then(answer) : answer();
    },
    /** read([n]) / readinto(buf[, n]): n < 0 reads to the end of the stream; null is the firmware's None. */
    socketRead: (fd: number, size: number): ReadResult | Promise<ReadResult> => readLoop((max) => readOnce(sockets.get(fd), max), size, false),
    /** readline([limit]): bytes up to and including "\n" (mp_stream_unbuffered_readline). */
    socketReadline: (fd: number, limit: number): ReadResult | Promise<ReadResult> => readLoop((max) => readOnce(sockets.get(fd), max), limit, true),
    /**
     * write(buf): mp_stream_write writes everything (blocking); non-blocking, what the buffer took,
     * or null when nothing (py/stream.c lines 243-262).
     */
    socketWrite: async (fd: number, buffer: Uint8Array | string): Promise<number | null> => {
      const s = sockets.get(fd);
      const data = bufferOf(buffer);
      if (!(s instanceof TcpSocket)) return s.send(data);
      try {
        return await s.send(data, board.signal, s.timeoutMs !== 0);
      } catch (error) {
        if (error instanceof NetError && error.code === "EAGAIN") return null;
        throw error;
      }
    },
    /**
     * What repr() shows. modlwip.c v1.23.0 lwip_socket_print (line 846):
     * `<socket state=%d timeout=%d incoming=%p off=%d>`; the ESP32's socket type has no print: `<socket>`.
     */
    socketRepr: (fd: number): string => {
      if (esp32) return "<socket>";
      const s = sockets.find(fd);
      const st = s?.pollState();
      const timeout = s ? (s.timeoutMs === null ? -1 : s.timeoutMs) : -1;
      // %p of the queued pbuf: its address on the board is UNVERIFIED; a RAM address stands in for it.
      return `<socket state=${modlwipState(st)} timeout=${timeout} incoming=${st?.incoming ? "20010a40" : "0"} off=0>`;
    },
    /** socket.fileno(), on the ports that have it (ESP32: ports/esp32/modsocket.c:775-779): lwIP's descriptor. */
    socketFileno: (fd: number): number => {
      sockets.get(fd);
      return profile.socket.filenoBase! + sockets.slot(fd);
    },
  } satisfies HostCalls<"modsocket">;
}

/**
 * py/stream.c mp_stream_rw/stream_readall/stream_unbuffered_readline over one stream's `read`:
 * reads until `size` bytes (-1: end of stream; `line`: up to and including "\n"), or end of
 * stream. EAGAIN (non-blocking) ends it with what was read, or null when nothing was; other errors
 * raise, losing what was read. While the stream has the bytes it answers at once (a .py
 * readinto's data call then takes no microtask turn); from the first read that waits, later.
 */
export function readLoop(read: (max: number) => Uint8Array | Promise<Uint8Array>, size: number, line: boolean): ReadResult | Promise<ReadResult> {
  const parts: Uint8Array[] = [];
  let total = 0;
  /** Keeps one read's bytes; true when the loop ends with them. */
  const took = (chunk: Uint8Array): boolean => {
    if (chunk.length === 0) return true;
    parts.push(chunk);
    total += chunk.length;
    return (line && chunk[0] === 0x0a) || (size >= 0 && total >= size);
  };
  const failed = (error: unknown): ReadResult => {
    if (error instanceof NetError && error.code === "EAGAIN") return total === 0 ? null : concat(parts, total);
    throw error;
  };
  const loop = (): ReadResult | Promise<ReadResult> => {
    try {
      while (!(size >= 0 && total >= size)) {
        const chunk = read(line ? 1 : size < 0 ? READALL_STEP : size - total);
        if (chunk instanceof Promise) return chunk.then((c) => (took(c) ? concat(parts, total) : loop()), failed);
        if (took(chunk)) break;
      }
    } catch (error) {
      return failed(error);
    }
    return concat(parts, total);
  };
  return loop();
}

/** modlwip.c STATE_* (lines 319-324), negative lwIP errors after failures (ERR_RST -14, _ERR_BADF -16). */
function modlwipState(s: { kind: string; state: string } | undefined): number {
  if (!s || s.state === "closed") return -16;
  if (s.kind === "udp") return 5;
  const states: Record<string, number> = { new: 0, bound: 0, listening: 1, connecting: 2, connected: 3, peer_closed: 4, reset: -14, failed: -13 };
  return states[s.state] ?? 0;
}

/** The parts as one array of its own (a recv can give a view of a queued chunk, which a .py reply message would clone whole). */
function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1 && parts[0]!.byteLength === parts[0]!.buffer.byteLength) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}
