/**
 * The cipher suites of the boards' Mbed TLS, by the names mbedTLS gives them (what
 * SSLContext.get_ciphers() lists and set_ciphers() takes), each with OpenSSL's name for it: the
 * board's side of a TLS session runs in Node's OpenSSL (src/network-sim/tls/tls-stream.ts).
 *
 * Which: Mbed TLS's ciphersuite_preference (library/ssl_ciphersuites.c, 3.x), in its order, kept
 * to what MicroPython v1.23.0 builds on rp2: key exchanges RSA and ECDHE-ECDSA
 * (extmod/mbedtls/mbedtls_config_common.h:47-48) and ECDHE-RSA (ports/rp2/mbedtls/
 * mbedtls_config_port.h:31); AES in CBC (common:38) and GCM (port:34) modes; SHA-1/256/384; no
 * CCM, ChaCha20, Camellia, ARIA or DHE. UNVERIFIED for the ESP32: ESP-IDF's own mbedTLS config
 * enables more suites (ChaCha20-Poly1305, CCM, ...); the rp2 list is taken for it too.
 */
export const MBEDTLS_CIPHERSUITES: readonly (readonly [mbedtls: string, openssl: string])[] = [
  ["TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"],
  ["TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384"],
  ["TLS-ECDHE-ECDSA-WITH-AES-256-CBC-SHA384", "ECDHE-ECDSA-AES256-SHA384"],
  ["TLS-ECDHE-RSA-WITH-AES-256-CBC-SHA384", "ECDHE-RSA-AES256-SHA384"],
  ["TLS-ECDHE-ECDSA-WITH-AES-256-CBC-SHA", "ECDHE-ECDSA-AES256-SHA"],
  ["TLS-ECDHE-RSA-WITH-AES-256-CBC-SHA", "ECDHE-RSA-AES256-SHA"],
  ["TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"],
  ["TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"],
  ["TLS-ECDHE-ECDSA-WITH-AES-128-CBC-SHA256", "ECDHE-ECDSA-AES128-SHA256"],
  ["TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA256", "ECDHE-RSA-AES128-SHA256"],
  ["TLS-ECDHE-ECDSA-WITH-AES-128-CBC-SHA", "ECDHE-ECDSA-AES128-SHA"],
  ["TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA", "ECDHE-RSA-AES128-SHA"],
  ["TLS-RSA-WITH-AES-256-GCM-SHA384", "AES256-GCM-SHA384"],
  ["TLS-RSA-WITH-AES-256-CBC-SHA256", "AES256-SHA256"],
  ["TLS-RSA-WITH-AES-256-CBC-SHA", "AES256-SHA"],
  ["TLS-RSA-WITH-AES-128-GCM-SHA256", "AES128-GCM-SHA256"],
  ["TLS-RSA-WITH-AES-128-CBC-SHA256", "AES128-SHA256"],
  ["TLS-RSA-WITH-AES-128-CBC-SHA", "AES128-SHA"],
];

/** OpenSSL's cipher string for suites named as mbedTLS names them; undefined for a name the board's mbedTLS does not know (mbedtls_ssl_get_ciphersuite_id gives 0). */
export function opensslCiphers(names: readonly string[]): string | undefined {
  const known = new Map(MBEDTLS_CIPHERSUITES);
  const openssl = names.map((name) => known.get(name));
  return openssl.every((name) => name !== undefined) ? openssl.join(":") : undefined;
}
