import { GuestException, type HostValue } from "../host-api.ts";
import { pyTypeName, strText } from "./arguments.ts";

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

/** SSLContext.get_ciphers() (modtls_mbedtls.c v1.23.0 lines 305-314): mbedtls_ssl_list_ciphersuites()'s names. */
export function mbedtlsCiphers(): string[] {
  return MBEDTLS_CIPHERSUITES.map(([name]) => name);
}

/** MBEDTLS_ERR_SSL_BAD_CONFIG, as mbedtls_raise_error names it (lib/mbedtls_errors). */
const BAD_CONFIG = () => new GuestException("OSError", [-0x5e80, "MBEDTLS_ERR_SSL_BAD_CONFIG"]);

/**
 * SSLContext.set_ciphers(ciphersuite) (lines 316-345): a tuple or list (mp_obj_get_array), not
 * empty, of names the board's mbedTLS knows, each read with mp_obj_str_get_str; else
 * OSError(MBEDTLS_ERR_SSL_BAD_CONFIG). Returns the names, which wrap_socket then offers alone.
 */
export function setCiphers(ciphersuite: HostValue): string[] {
  if (!Array.isArray(ciphersuite)) throw new GuestException("TypeError", [`object '${pyTypeName(ciphersuite)}' isn't a tuple or list`]); // py/obj.c:432
  if (ciphersuite.length === 0) throw BAD_CONFIG(); // line 325
  return ciphersuite.map((item) => {
    const name = strText(item); // mp_obj_str_get_str (py/objstr.c): a str or bytes, else its TypeError
    if (opensslCiphers([name]) === undefined) throw BAD_CONFIG(); // line 334: mbedtls_ssl_get_ciphersuite_id gives 0
    return name;
  });
}
