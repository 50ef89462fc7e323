// Test helpers for TLS: certificates made with openssl in a temp folder (removed at once), and a
// Node TLS endpoint on a lab PC connection (the PC side of a board's ssl socket).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Duplex } from "node:stream";
import { connect, createSecureContext, TLSSocket } from "node:tls";
import type { PcConnection } from "../../src/network-sim/pc/pc-peers.ts";
import { activityHold } from "../../src/network-sim/clock/activity-hold.ts";
import type { Lab } from "../../src/testing/index.ts";

export interface TestCertificates {
  /** The CA that signed `cert`, and one that did not. */
  ca: string;
  otherCa: string;
  /** The server's certificate (names server.lan and 192.168.1.2) and key, PEM. */
  cert: string;
  key: string;
}

/** A CA, a second CA and a server certificate the first signed, valid from now for a year. */
export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), "boardsim-tls-"));
  const at = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  try {
    for (const ca of ["ca", "other"]) openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${ca}.key`, "-out", `${ca}.pem`, "-days", "3650", "-subj", `/CN=boardsim test ${ca}`);
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=server.lan");
    writeFileSync(at("ext.cnf"), "subjectAltName=DNS:server.lan,IP:192.168.1.2\n");
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "365", "-extfile", "ext.cnf");
    const read = (name: string) => readFileSync(at(name), "utf8");
    return { ca: read("ca.pem"), otherCa: read("other.pem"), cert: read("server.pem"), key: read("server.key") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A 512-bit RSA key (PKCS#1) and its self-signed certificate, both DER, as hex: the kind of pair
 * MicroPython's examples/network/https_server.py embeds with binascii.unhexlify.
 */
export function makeSmallDerCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "boardsim-tls-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  try {
    openssl("req", "-x509", "-newkey", "rsa:512", "-nodes", "-keyout", "k.pem", "-out", "c.pem", "-days", "30", "-subj", "/CN=small");
    openssl("rsa", "-in", "k.pem", "-traditional", "-outform", "DER", "-out", "k.der");
    openssl("x509", "-in", "c.pem", "-outform", "DER", "-out", "c.der");
    const hex = (name: string) => readFileSync(path.join(dir, name)).toString("hex");
    return { key: hex("k.der"), cert: hex("c.der") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The raw bytes of a PC connection as a Node stream; `wire` collects what the board sent. The lab's
 * clock is held while Node's TLS works on them, as the board's side does.
 */
export function pcStream(lab: Lab, conn: PcConnection, wire: Uint8Array[] = []): Duplex {
  const active = activityHold(lab.clock);
  const stream = new Duplex({
    read() {
      conn.recv().then(
        (chunk) => {
          active();
          wire.push(chunk);
          stream.push(chunk.length > 0 ? Buffer.from(chunk) : null);
        },
        (error: Error) => stream.destroy(error),
      );
    },
    write(chunk: Buffer, _encoding, done) {
      active();
      conn.send(chunk).then(() => done(), done);
    },
    final(done) {
      conn.end();
      done();
    },
  });
  return stream;
}

/** A TLS server session on a PC connection (as `openssl s_server` would run it). */
export function tlsServer(lab: Lab, conn: PcConnection, certs: TestCertificates, wire?: Uint8Array[], options: { requestCert?: boolean; ciphers?: string } = {}): TLSSocket {
  const secureContext = createSecureContext({ cert: certs.cert, key: certs.key, ca: certs.ca, ciphers: options.ciphers });
  return new TLSSocket(pcStream(lab, conn, wire), { isServer: true, secureContext, requestCert: options.requestCert ?? false, rejectUnauthorized: false });
}

/** Reads a TLS session until `wanted` has arrived (or the session ends). */
export function readUntil(socket: TLSSocket, wanted: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(wanted)) done(resolve, text);
    };
    const done = <T>(settle: (value: T) => void, value: T) => {
      socket.off("data", onData);
      settle(value);
    };
    socket.on("data", onData);
    socket.once("end", () => done(resolve, text));
    socket.once("error", (error) => done(reject, error));
  });
}

/** A TLS client session on a PC connection (as `openssl s_client` or curl -k would run it). */
export function tlsClient(lab: Lab, conn: PcConnection, options: { cert?: string; key?: string } = {}): TLSSocket {
  return connect({ socket: pcStream(lab, conn), rejectUnauthorized: false, cert: options.cert, key: options.key });
}
