import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { isIPv4 } from "../../network-sim/address.ts";
import { FirmwareError } from "../../network-sim/errors.ts";
import type { PeerCertificates } from "../../network-sim/tls/tls-stream.ts";

// Certificates and keys as mbedTLS checks them for the tls module (modtls.ts): its library/x509_crt.c
// and pk parsing, with the firmware's messages.

/**
 * mbedtls_x509_crt_verify_info's lines (library/x509_crt.c x509_crt_verify_strings, in its order)
 * for the flags the board can set here.
 */
export const VERIFY_STRINGS: readonly [number, string][] = [
  [0x01, "The certificate validity has expired"],
  [0x04, "The certificate Common Name (CN) does not match with the expected CN"],
  [0x08, "The certificate is not correctly signed by the trusted CA"],
  [0x40, "Certificate was missing"],
  [0x0200, "The certificate validity starts in the future"],
];

/** The flags mbedTLS's certificate check sets (x509_crt_verify_chain), with the board's RTC as the time. */
export function verifyFlags(peer: PeerCertificates, ca: readonly X509Certificate[], hostname: string | null, nowMs: number): number {
  const cert = peer.cert;
  if (!cert) return 0x40;
  let flags = 0;
  if (Date.parse(cert.validTo) < nowMs) flags |= 0x01;
  if (Date.parse(cert.validFrom) > nowMs) flags |= 0x0200;
  if (hostname !== null && (isIPv4(hostname) ? cert.checkIP(hostname) : cert.checkHost(hostname)) === undefined) flags |= 0x04;
  if (!trusted(cert, peer.chain, ca)) flags |= 0x08;
  return flags;
}

/** Signed by a loaded CA, directly or through the chain the peer sent (a loaded self-signed certificate is trusted). */
function trusted(cert: X509Certificate, chain: readonly X509Certificate[], ca: readonly X509Certificate[]): boolean {
  let current = cert;
  for (let depth = 0; depth <= chain.length; depth++) {
    if (ca.some((c) => c.raw.equals(current.raw) || (current.checkIssued(c) && current.verify(c.publicKey)))) return true;
    const next = chain.find((c) => !c.raw.equals(current.raw) && current.checkIssued(c) && current.verify(c.publicKey));
    if (!next) return false;
    current = next;
  }
  return false;
}

/** Certificates in PEM (one or more) or DER; anything else is the firmware's `invalid cert` (lines 109-110, 366, 389). */
export function parseCertificates(data: Uint8Array): X509Certificate[] {
  const text = Buffer.from(data).toString("latin1");
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  try {
    return pems ? pems.map((pem) => new X509Certificate(pem)) : [new X509Certificate(Buffer.from(data))];
  } catch {
    throw new FirmwareError("ValueError", "invalid cert");
  }
}

/** A private key in PEM or DER; else `invalid key` (lines 107-108, 358; axTLS line 259). */
export function parseKey(data: Uint8Array): KeyObject {
  const buffer = Buffer.from(data);
  const pem = buffer.includes("-----BEGIN");
  try {
    return pem ? createPrivateKey(buffer) : createPrivateKey({ key: buffer, format: "der", type: "pkcs8" });
  } catch {
    try {
      if (!pem) return createPrivateKey({ key: buffer, format: "der", type: "pkcs1" });
      throw new Error();
    } catch {
      throw new FirmwareError("ValueError", "invalid key");
    }
  }
}
