import { isIPv4 } from "../../network-sim/address.ts";
import { NetError } from "../../network-sim/errors.ts";
import { TcpSocket } from "../../network-sim/tcp-socket.ts";
import type { UdpSocket } from "../../network-sim/udp-socket.ts";
import { GuestException, type HostValue } from "../host-api.ts";
import type { HostContext } from "./host-context.ts";

/** py/stream.c DEFAULT_BUFFER_SIZE: readall()'s step. */
const READALL_STEP = 256;

/** What a read gives back: bytes, or null where the firmware's stream returns None (nothing yet, non-blocking). */
type ReadResult = Uint8Array | null;

/**
 * The socket module's host calls beyond one socket operation: name lookup (getaddrinfo, and the
 * names ESP32's connect() resolves) and the stream methods read/readinto/readline/write, whose
 * loops and None-on-EAGAIN rules are py/stream.c's.
 */
export function modsocket(ctx: HostContext) {
  const { profile } = ctx;
  const esp32 = profile.socket.module === "esp32";

  const socket = (fd: number): TcpSocket | UdpSocket => {
    const s = ctx.socket(fd);
    if (!s) throw new NetError("EBADF");
    return s;
  };

  /** One read of at most `max` bytes as the port's stream read does: a datagram, or what the TCP queue has. */
  const readOnce = (s: TcpSocket | UdpSocket, max: number): Uint8Array | Promise<Uint8Array> => {
    if (s instanceof TcpSocket) return s.recv(max, ctx.signal());
    const d = s.recvfrom(max, ctx.signal());
    return d instanceof Promise ? d.then((x) => x.data) : d.data;
  };

  /**
   * py/stream.c mp_stream_rw/stream_readall/stream_unbuffered_readline: reads until `size` bytes
   * (-1: end of stream; `line`: up to and including "\n"), or end of stream. EAGAIN (non-blocking)
   * ends it with what was read, or null when nothing was; other errors raise, losing what was read.
   */
  async function readLoop(s: TcpSocket | UdpSocket, size: number, line: boolean): Promise<ReadResult> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      if (size >= 0 && total >= size) break;
      const want = line ? 1 : size < 0 ? READALL_STEP : size - total;
      let chunk: Uint8Array;
      try {
        chunk = await readOnce(s, want);
      } catch (error) {
        if (error instanceof NetError && error.code === "EAGAIN") return total === 0 ? null : concat(parts, total);
        throw error;
      }
      if (chunk.length === 0) break;
      parts.push(chunk);
      total += chunk.length;
      if (line && chunk[0] === 0x0a) break;
      if (s.pollState().kind === "udp" && !line) break; // a datagram is one read
    }
    return concat(parts, total);
  }

  /** Resolves a name as the simulated router's DNS does; raises the board's lookup error. */
  const lookup = (host: string): string => {
    if (isIPv4(host)) return host;
    const ip = ctx.lan.dns.resolve(host);
    if (ip !== null) return ip;
    ctx.log.warn({ host }, `DNS: no address for "${host}" (add it with --hosts ${host}=IP or the lab file's hosts:)`);
    throw new GuestException("OSError", [profile.socket.dnsFailureErrno]);
  };

  return {
    lookup,
    hostFunctions: {
      /**
       * getaddrinfo(host, port, af, type, proto, flags) → the firmware's list of 5-tuples (as lists).
       * modlwip.c v1.23.0 lwip_getaddrinfo (lines 1746-1813): one (AF_INET, SOCK_STREAM, 0, '', addr);
       * other constraints only warn; "" is ERR_ARG (-16) from lwIP's dns_gethostbyname.
       * esp32 modsocket.c v1.23.0 (lines 215-262, 920-975): lwIP's getaddrinfo echoes type (0 → SOCK_STREAM)
       * and proto, canonname is the host as given; "" means 0.0.0.0; a port outside 0..65535 is EAI_SERVICE (-201).
       */
      socketGetaddrinfo: (host: string, portIn: number | string, family: number, type: number, proto: number, flags: number): HostValue => {
        const { AF_INET, SOCK_STREAM } = profile.socket.constants as { AF_INET: number; SOCK_STREAM: number };
        if (esp32) {
          // The port goes to lwIP as text (an int is formatted first); lwIP's netdb.c takes digits
          // only, 0..65535, else EAI_SERVICE (201, negated by modsocket.c line 250).
          const port = typeof portIn === "number" ? portIn : /^\d+$/.test(portIn) ? Number(portIn) : -1;
          if (port < 0 || port > 0xffff) throw new GuestException("OSError", [-201]);
          const ip = host === "" ? "0.0.0.0" : lookup(host);
          return [[AF_INET, type === 0 ? SOCK_STREAM : type, proto, host === "" ? "0.0.0.0" : host, [ip, port]]];
        }
        // mp_obj_get_int(port_in): a str port is a TypeError on the lwIP raw-API ports.
        if (typeof portIn !== "number") throw new GuestException("TypeError", ["can't convert str to int"]);
        if (!((family === 0 || family === AF_INET) && (type === 0 || type === SOCK_STREAM) && proto === 0 && flags === 0)) {
          ctx.write("Warning: unsupported getaddrinfo constraints\n");
        }
        if (host === "") throw new GuestException("OSError", [-16]);
        return [[AF_INET, SOCK_STREAM, 0, "", [lookup(host), portIn]]];
      },
      /** read([n]) / readinto(buf[, n]): n < 0 reads to the end of the stream; null is the firmware's None. */
      socketRead: (fd: number, size: number): Promise<ReadResult> => readLoop(socket(fd), size, false),
      /** readline([limit]): bytes up to and including "\n" (mp_stream_unbuffered_readline). */
      socketReadline: (fd: number, limit: number): Promise<ReadResult> => readLoop(socket(fd), limit, true),
      /**
       * write(buf): mp_stream_write writes everything (blocking); non-blocking, what the buffer took,
       * or null when nothing (py/stream.c lines 243-262).
       */
      socketWrite: async (fd: number, data: Uint8Array): Promise<number | null> => {
        const s = socket(fd);
        if (!(s instanceof TcpSocket)) return s.send(data);
        try {
          return await s.send(data, ctx.signal(), s.timeoutMs !== 0);
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
        const s = ctx.socket(fd);
        const st = s?.pollState();
        const timeout = s ? (s.timeoutMs === null ? -1 : s.timeoutMs) : -1;
        // %p of the queued pbuf: its address on the board is UNVERIFIED; a RAM address stands in for it.
        return `<socket state=${modlwipState(st)} timeout=${timeout} incoming=${st?.incoming ? "20010a40" : "0"} off=0>`;
      },
    },
  };
}

/** modlwip.c STATE_* (lines 319-324), negative lwIP errors after failures (ERR_RST -14, _ERR_BADF -16). */
function modlwipState(s: { kind: string; state: string } | undefined): number {
  if (!s || s.state === "closed") return -16;
  if (s.kind === "udp") return 5;
  const states: Record<string, number> = { new: 0, bound: 0, listening: 1, connecting: 2, connected: 3, peer_closed: 4, reset: -14, failed: -13 };
  return states[s.state] ?? 0;
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}
