import { X509Certificate } from "node:crypto";
import { connect, createSecureContext, DEFAULT_CIPHERS, TLSSocket, type SecureContextOptions } from "node:tls";
import { NetError } from "../errors.ts";
import { Notifier } from "../notifier.ts";
import { activityHold } from "../clock/activity-hold.ts";
import type { Clock } from "../clock/clock.ts";
import type { TcpSocket } from "../tcp/tcp-socket.ts";
import { tcpDuplex, type WireState } from "./tcp-duplex.ts";

/** Why a TLS session ended before its time; the board's TLS library turns it into its own error. */
export type TlsFailure =
  | { kind: "eof" } // the peer closed the connection during the handshake
  | { kind: "alert" } // the peer sent a fatal alert
  | { kind: "record" } // the peer sent bytes that are not TLS records
  | { kind: "handshake" } // any other handshake failure
  | { kind: "verify"; flags: number } // the peer's certificate failed the board's check
  | { kind: "net"; error: NetError }; // the TCP connection failed

/** The peer's certificate and the chain it sent, for the board's own check. */
export interface PeerCertificates {
  cert: X509Certificate | null;
  chain: X509Certificate[];
}

export interface TlsOptions {
  /** The board's clock: a virtual one is held still while the TLS works (activityHold). */
  clock: Clock;
  server: boolean;
  /** Client: the name sent as SNI (not an IP address: Node refuses those). */
  hostname: string | null;
  /** The board's own certificate and key (PEM or DER), when it has one. */
  cert: Buffer | null;
  key: Buffer | null;
  /** Server: ask the client for its certificate. */
  requestCert: boolean;
  /** OpenSSL cipher list the board's library offers; null: Node's defaults. */
  ciphers: string | null;
  /** Checks the peer's certificate once the handshake is done: flags that fail it, 0 when it passes. */
  verify: (peer: PeerCertificates) => number;
}

/** Plaintext held before the script reads it; past this the TLS layer stops reading the socket. */
const PLAIN_HIGH_WATER = 16 * 1024;

/**
 * TLS on a board's TCP socket, run on the PC by Node's `tls` over the simulated connection: the
 * wire (and a capture) carries real TLS records, and real TLS peers on the PC talk to the board.
 * Both board libraries (mbedTLS, axTLS) speak TLS 1.2 at most (MicroPython v1.23 enables no
 * TLS 1.3: extmod/mbedtls/mbedtls_config_common.h). The board-specific rules (errors, polling) are
 * the host module's (src/emulator/host/modtls.ts).
 */
export class TlsStream {
  handshakeDone = false;
  /** Set once the session failed (during the handshake or after it). */
  failure: TlsFailure | null = null;
  /** The peer ended the session: "clean" after its close_notify alert, "cut" when TCP just closed. */
  ended: "clean" | "cut" | null = null;
  private readonly plain: Uint8Array[] = [];
  private plainSize = 0;
  private readonly changes = new Notifier();
  private readonly stop = new AbortController();
  private readonly wire: WireState = { eof: false, lastRecordType: 0 };
  private readonly socket: TLSSocket;
  private netError: NetError | null = null;
  private readonly active: () => void;

  constructor(
    readonly tcp: TcpSocket,
    options: TlsOptions,
  ) {
    this.active = activityHold(options.clock);
    this.active(); // a client's hello
    const raw = tcpDuplex(tcp, this.stop.signal, this.wire, this.active);
    raw.on("error", (error) => {
      if (error instanceof NetError) this.netError = error;
    });
    // The board's TLS library takes a key of any size for its own certificate (mbedTLS's
    // mbedtls_ssl_conf_own_cert and axTLS check none; MicroPython's examples/network/https_server.py
    // has a 512-bit RSA key): OpenSSL's default security level would refuse it ("ee key too small").
    // Level 0 drops only that kind of check; the ciphers stay the board's (or Node's) list.
    const ciphers = `${options.ciphers ?? DEFAULT_CIPHERS}:@SECLEVEL=0`;
    const context: SecureContextOptions = { maxVersion: "TLSv1.2", cert: options.cert ?? undefined, key: options.key ?? undefined, ciphers };
    const secureContext = createSecureContext(context);
    this.socket = options.server
      ? new TLSSocket(raw, { isServer: true, secureContext, requestCert: options.requestCert, rejectUnauthorized: false })
      : connect({ socket: raw, secureContext, servername: options.hostname ?? undefined, rejectUnauthorized: false });
    const secured = () => {
      const flags = options.verify(this.peer());
      if (flags !== 0) return this.fail({ kind: "verify", flags });
      this.handshakeDone = true;
      this.changes.notify();
    };
    this.socket.once(options.server ? "secure" : "secureConnect", secured);
    this.socket.on("data", (chunk: Buffer) => {
      this.plain.push(new Uint8Array(chunk));
      this.plainSize += chunk.length;
      if (this.plainSize >= PLAIN_HIGH_WATER) this.socket.pause();
      this.changes.notify();
    });
    this.socket.on("end", () => {
      this.ended = this.wire.lastRecordType === 21 ? "clean" : "cut";
      this.changes.notify();
    });
    this.socket.on("error", (error: Error & { code?: string }) => this.fail(this.classify(error)));
    this.socket.on("close", () => {
      if (!this.handshakeDone && !this.failure) this.fail(this.classify(new Error("closed")));
      this.changes.notify();
    });
  }

  /** Resolves when anything changed: data, the handshake, the end, a failure. */
  whenChanged(signal?: AbortSignal): Promise<void> {
    return this.changes.wait(signal);
  }

  /** Up to `max` bytes of plaintext, or null when none has arrived. */
  take(max: number): Uint8Array | null {
    if (this.plainSize === 0) return null;
    const first = this.plain[0]!;
    const out = first.length <= max ? this.plain.shift()! : first.subarray(0, max);
    if (out !== first) this.plain[0] = first.subarray(max);
    this.plainSize -= out.length;
    if (this.plainSize < PLAIN_HIGH_WATER && this.socket.isPaused()) this.socket.resume();
    return out;
  }

  get readable(): boolean {
    return this.plainSize > 0;
  }

  /** The send side can take more now (Node's TLS buffer is not waiting to drain). */
  get writable(): boolean {
    return this.handshakeDone && !this.failure && !this.socket.writableNeedDrain;
  }

  /** Encrypts `data` and resolves once its records are in the TCP socket's send buffer. */
  write(data: Uint8Array): Promise<void> {
    this.active();
    return new Promise((resolve, reject) => {
      this.socket.write(data, (error) => (error ? reject(this.netError ?? error) : resolve()));
    });
  }

  /** The negotiated cipher suite (IANA name) and protocol version. */
  cipher(): [string, string] {
    return [this.socket.getCipher()?.standardName ?? "", this.socket.getProtocol() ?? ""];
  }

  /** Drops the session without a close_notify (neither board library sends one on close). */
  close(): void {
    this.stop.abort();
    this.socket.destroy();
  }

  private peer(): PeerCertificates {
    const chain: X509Certificate[] = [];
    let detail = this.socket.getPeerCertificate(true);
    const seen = new Set<string>();
    while (detail && detail.raw && !seen.has(detail.fingerprint256)) {
      seen.add(detail.fingerprint256);
      chain.push(new X509Certificate(detail.raw));
      detail = detail.issuerCertificate;
    }
    return { cert: chain[0] ?? null, chain: chain.slice(1) };
  }

  private fail(failure: TlsFailure): void {
    if (!this.failure) this.failure = failure;
    this.stop.abort();
    this.socket.destroy();
    this.changes.notify();
  }

  private classify(error: Error & { code?: string }): TlsFailure {
    if (this.netError) return { kind: "net", error: this.netError };
    if (error instanceof NetError) return { kind: "net", error };
    const code = error.code ?? "";
    if (/ALERT/.test(code)) return { kind: "alert" };
    if (/WRONG_VERSION_NUMBER|RECORD|PACKET_LENGTH|HTTP_REQUEST|HTTPS_PROXY/.test(code)) return { kind: "record" };
    if (this.wire.eof) return { kind: "eof" };
    return { kind: "handshake" };
  }
}
