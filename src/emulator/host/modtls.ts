import { isIPv4 } from "../../network-sim/address.ts";
import { blockingCall } from "../../network-sim/blocking.ts";
import { FirmwareError, NetError } from "../../network-sim/errors.ts";
import { TcpSocket } from "../../network-sim/tcp/tcp-socket.ts";
import { TlsStream, type TlsFailure, type TlsOptions } from "../../network-sim/tls/tls-stream.ts";
import { GuestException, type HostValue } from "../host-api.ts";
import { readLoop, type ReadResult } from "./modsocket.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { POLLIN, POLLNVAL, POLLOUT } from "./stream-poll.ts";
import { mbedtlsCiphers, opensslCiphers, setCiphers } from "./ssl_ciphersuites.ts";
import { parseCertificates, parseKey, verifyFlags, VERIFY_STRINGS } from "./x509_crt.ts";

/** extmod/modtls_mbedtls.c v1.23.0 lines 764-768: MBEDTLS_SSL_VERIFY_NONE/OPTIONAL/REQUIRED. */
const CERT_NONE = 0;
/** CERT_OPTIONAL (1): the check runs and its result is only kept, so the handshake goes on as with CERT_NONE. */
const CERT_REQUIRED = 2;

/** Mbed TLS 3.x error codes (include/mbedtls/ssl.h, x509.h) and their names as lib/mbedtls_errors prints them. */
const MBEDTLS = {
  eof: [-0x7280, "MBEDTLS_ERR_SSL_CONN_EOF"],
  alert: [-0x7780, "MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE"],
  record: [-0x7200, "MBEDTLS_ERR_SSL_INVALID_RECORD"],
  handshake: [-0x6a80, "MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE"],
} as const;

/** axTLS's SSL_ERROR_* codes and names (extmod/modtls_axtls.c v1.23.0 lines 80-106). */
const AXTLS_CONN_LOST = [-256, "CONN_LOST"] as const;
const AXTLS_INVALID_HANDSHAKE = [-260, "INVALID_HANDSHAKE"] as const;
/** What axTLS offers (TLS 1.2 at most, RSA key exchange): lib/axtls ssl/tls1.c's cipher table. */
const AXTLS_CIPHERS = "AES128-SHA:AES256-SHA:AES128-SHA256:AES256-SHA256";

/** The script's side of one SSLSocket: what the firmware keeps besides the TLS session. */
interface SslState {
  tcp: TcpSocket;
  options: TlsOptions;
  /** The session, from the first call that needs it: mbedTLS sends nothing until the handshake is asked for. */
  started: TlsStream | null;
  /** mbedTLS: the error a read/write met; later calls raise it again, poll says POLLNVAL (lines 586-588, 676). */
  lastError: GuestException | null;
  /** mbedTLS poll_mask: a non-blocking call during the handshake waits for the other direction (lines 600-606, 683-714). */
  waitingHandshake: boolean;
}

/** SSL sockets by the TCP socket they wrap: the socket calls and select/poll find them there. */
const sessions = new WeakMap<TcpSocket, SslState>();

function streamOf(s: SslState): TlsStream {
  return (s.started ??= new TlsStream(s.tcp, s.options));
}

/**
 * The firmware's `tls` module (extmod/modtls_mbedtls.c on rp2 and ESP32, modtls_axtls.c on the
 * ESP8266; the frozen `ssl` wraps it): the TLS runs on the PC (Node's tls) over the board's TCP
 * socket; this module gives it the firmware's checks, errors and stream behaviour.
 */
export function modtls(board: BoardContext) {
  const { tls: library } = board.profile.port;
  const mbedtls = library.library === "mbedtls";

  /** The firmware's exception for a failed handshake (mbedtls_raise_error / ssl_raise_error). */
  const handshakeError = (failure: TlsFailure): Error => {
    if (failure.kind === "net") return failure.error; // -errno through mbedTLS, back to OSError(errno): lines 113-119
    if (failure.kind === "verify") {
      // lines 543-551: ValueError with mbedtls_x509_crt_verify_info(buf, size, "\n", flags)
      return new FirmwareError("ValueError", VERIFY_STRINGS.filter(([flag]) => failure.flags & flag).map(([, text]) => `\n${text}\n`).join(""));
    }
    if (mbedtls) return new GuestException("OSError", [...MBEDTLS[failure.kind]]);
    // UNVERIFIED: axTLS's code for a peer's alert or bad records; a lost connection is CONN_LOST.
    return new GuestException("OSError", [...(failure.kind === "eof" ? AXTLS_CONN_LOST : AXTLS_INVALID_HANDSHAKE)]);
  };

  const state = (fd: number): SslState => {
    const s = sessions.get(board.sockets.tcp(fd));
    if (!s) throw new NetError("EBADF");
    return s;
  };

  /** The socket's own timeout for a TLS wait; a non-blocking socket handshakes without one (mp_event_wait_ms loop, lines 524-531). */
  const waitLimit = (s: SslState): number | null => (s.tcp.timeoutMs === 0 ? null : s.tcp.timeoutMs);

  /** mbedTLS: an error met after the handshake is -errno (socket_read/socket_write *errcode = ret); it sticks. */
  const sticky = (s: SslState, error: unknown): never => {
    if (!mbedtls || !(error instanceof NetError)) throw error;
    s.lastError = new GuestException("OSError", [-board.profile.errno[error.code]]);
    throw s.lastError;
  };

  /** One read of plaintext: data, empty at the end, EAGAIN when non-blocking and nothing is there. */
  const readOnce = (s: SslState, max: number): Uint8Array | Promise<Uint8Array> => {
    if (s.lastError) throw s.lastError;
    s.waitingHandshake = false;
    const stream = streamOf(s);
    const tryNow = (): Uint8Array | null => {
      const data = stream.take(max);
      if (data) return data;
      if (stream.failure) {
        if (!stream.handshakeDone || stream.failure.kind !== "net") throw handshakeError(stream.failure);
        return sticky(s, stream.failure.error);
      }
      if (stream.ended === "clean" || (stream.ended && !mbedtls)) return new Uint8Array(0); // PEER_CLOSE_NOTIFY / axTLS CONN_LOST: EOF
      if (stream.ended) {
        // The peer closed TCP without close_notify: mbedtls_ssl_read gives MBEDTLS_ERR_SSL_CONN_EOF (line 616).
        s.lastError = new GuestException("OSError", [MBEDTLS.eof[0]]);
        throw s.lastError;
      }
      return null;
    };
    if (stream.tcp.timeoutMs === 0) {
      const now = tryNow();
      if (now) return now;
      if (!stream.handshakeDone) s.waitingHandshake = true;
      throw new NetError("EAGAIN");
    }
    try {
      const result = blockingCall(board.clock, waitLimit(s), tryNow, (signal) => stream.whenChanged(signal), board.signal);
      return result instanceof Promise ? result.catch((error: unknown) => sticky(s, error)) : result;
    } catch (error) {
      return sticky(s, error);
    }
  };

  const handshake = (s: SslState): null | Promise<null> => {
    const stream = streamOf(s);
    const done = (): true | null => {
      if (stream.failure) throw handshakeError(stream.failure);
      return stream.handshakeDone ? true : null;
    };
    const result = blockingCall(board.clock, waitLimit(s), done, (signal) => stream.whenChanged(signal), board.signal);
    const closeOnError = (error: unknown): never => {
      stream.close(); // mbedtls_ssl_free; the script's socket stays open (o->sock = MP_OBJ_NULL)
      throw error;
    };
    return result instanceof Promise ? result.then(() => null, closeOnError) : null;
  };

  return {
    /** SSLContext.load_cert_chain(cert, key): the key is parsed first, then the certificate (lines 347-373). */
    tlsLoadCertChain: (cert: Uint8Array, key: Uint8Array): null => {
      if (!mbedtls) return null; // axTLS keeps both and parses them at wrap_socket (modtls_axtls.c 179-182, 254-266)
      parseKey(key);
      parseCertificates(cert);
      return null;
    },
    /** SSLContext.load_verify_locations(cadata) (lines 383-401). */
    tlsLoadVerifyLocations: (cadata: Uint8Array): null => {
      parseCertificates(cadata);
      return null;
    },
    tlsGetCiphers: (): string[] => mbedtlsCiphers(), // SSLContext.get_ciphers/set_ciphers (lines 305-345): ssl_ciphersuites.ts
    tlsSetCiphers: (ciphersuite: HostValue): string[] => setCiphers(ciphersuite),
    /**
     * ssl_socket_make_new (lines 483-554; axTLS 230-299): wraps the TCP socket `fd` (offering only
     * set_ciphers()'s `ciphers`); with `handshake` it returns after the handshake, or its error.
     */
    tlsWrap: (fd: number, server: boolean, hostname: string | null, verify: number, cadata: Uint8Array | null, cert: Uint8Array | null, key: Uint8Array | null, doHandshake: boolean, ciphers: string[] | null = null): null | Promise<null> => {
      const tcp = board.sockets.tcp(fd);
      if (mbedtls && verify === CERT_REQUIRED && hostname === null && !server) throw new FirmwareError("ValueError", "CERT_REQUIRED requires server_hostname");
      if (!mbedtls && key !== null) {
        parseKey(key);
        parseCertificates(cert ?? new Uint8Array(0));
      }
      const ca = cadata === null ? [] : parseCertificates(cadata);
      const checked = mbedtls ? verify : CERT_NONE; // axTLS: CERT_NONE is the only mode (modtls_axtls.c 163-176)
      const options: TlsOptions = {
        clock: board.clock,
        server,
        hostname: hostname !== null && !isIPv4(hostname) ? hostname : null,
        cert: cert && Buffer.from(parseCertificates(cert).map((c) => c.toString()).join("")), // PEM or DER, as mbedTLS: Node's TLS takes PEM
        key: key && Buffer.from(parseKey(key).export({ format: "pem", type: "pkcs8" })),
        requestCert: server && checked !== CERT_NONE,
        ciphers: mbedtls ? (ciphers && opensslCiphers(ciphers)) ?? null : AXTLS_CIPHERS,
        verify: (peer) => (checked === CERT_REQUIRED ? verifyFlags(peer, ca, server ? null : hostname, board.rtcNowMs()) : 0),
      };
      const s: SslState = { tcp, options, started: null, lastError: null, waitingHandshake: false };
      sessions.set(tcp, s);
      // axTLS does a server's handshake on the first read or write (ssl_server_new, line 270).
      if (!doHandshake || (!mbedtls && server)) return null;
      return handshake(s);
    },
    tlsRead: (fd: number, size: number): ReadResult | Promise<ReadResult> => {
      const s = state(fd);
      return readLoop((max) => readOnce(s, max), size, false);
    },
    tlsReadline: (fd: number, limit: number): ReadResult | Promise<ReadResult> => {
      const s = state(fd);
      return readLoop((max) => readOnce(s, max), limit, true);
    },
    /**
     * write(buf): all of it (mp_stream_write). Non-blocking: None during the handshake (WANT_READ,
     * lines 636-643) or while the send side is full.
     */
    tlsWrite: async (fd: number, data: Uint8Array): Promise<number | null> => {
      const s = state(fd);
      if (s.lastError) throw s.lastError;
      s.waitingHandshake = false;
      const stream = streamOf(s);
      if (s.tcp.timeoutMs === 0 && !stream.failure && !stream.writable) {
        if (!stream.handshakeDone) s.waitingHandshake = true;
        return null;
      }
      if (!stream.handshakeDone) await handshake(s);
      if (stream.failure?.kind === "net") sticky(s, stream.failure.error);
      try {
        await stream.write(data);
      } catch (error) {
        sticky(s, error);
      }
      return data.length;
    },
    /** close(): frees the session (no close_notify) and closes the socket (MP_STREAM_CLOSE, lines 668-674). */
    tlsClose: (fd: number): null => {
      const tcp = board.sockets.find(fd);
      if (tcp instanceof TcpSocket) sessions.get(tcp)?.started?.close();
      board.sockets.close(fd);
      return null;
    },
    /** SSLSocket.cipher() (lines 571-580): the suite as mbedTLS names it, and the version. */
    tlsCipher: (fd: number): HostValue => {
      const [name, version] = streamOf(state(fd)).cipher();
      return [name.replace(/_/g, "-"), version];
    },
  } satisfies HostCalls<"modtls">;
}

/**
 * What poll() says of an SSL socket, from `own`, the events of the TCP socket under it (socket_ioctl
 * MP_STREAM_POLL, lines 675-716): POLLNVAL after an error; readable with plaintext or an end or a
 * failure to report; writable once the handshake is done. A non-blocking read/write that found the
 * handshake unfinished (poll_mask) waits for it before either direction shows; before the session
 * starts, the socket's own events show. axTLS (modtls_axtls.c 382-401) passes the poll to the
 * socket, whose bytes Node's TLS reads at once: the same rules. null: `tcp` carries no SSL socket.
 */
export function sslPollEvents(tcp: TcpSocket, events: number, own: number): number | null {
  const s = sessions.get(tcp);
  if (!s) return null;
  if (s.lastError) return POLLNVAL;
  const stream = s.started;
  if (!stream) return own;
  let ret = own & ~(POLLIN | POLLOUT);
  if (events & POLLIN && (stream.readable || stream.ended || stream.failure)) ret |= POLLIN;
  const settled = stream.handshakeDone || stream.failure !== null;
  const writable = settled ? stream.writable || stream.failure !== null : !s.waitingHandshake && (own & POLLOUT) !== 0;
  if (events & POLLOUT && writable) ret |= POLLOUT;
  return ret;
}

/** Resolves when the SSL session on `tcp` changed (null when it has none yet): select/poll look again. */
export function sslChanged(tcp: TcpSocket, signal: AbortSignal): Promise<void> | null {
  return sessions.get(tcp)?.started?.whenChanged(signal) ?? null;
}
