/** Bytes as lowercase hex digits, no separators (default AP names are built from MAC bytes). */
export const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** `mac` + `n` as one 48-bit number (ESP-IDF numbers its interfaces' MACs up from the base MAC). */
export function macPlus(mac: Uint8Array, n: number): Uint8Array {
  const out = mac.slice();
  for (let i = out.length - 1, carry = n; i >= 0 && carry > 0; i--) {
    const sum = out[i]! + carry;
    out[i] = sum & 0xff;
    carry = sum >> 8;
  }
  return out;
}

/** A board's station MAC: its OUI and a stable tail hashed from its name, so each board on a LAN gets its own MAC and DHCP lease. */
export function stationMac(oui: readonly number[], name: string): Uint8Array {
  let h = 0x811c9dc5; // FNV-1a
  for (const ch of name) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return Uint8Array.of(...oui, (h >>> 16) & 255, (h >>> 8) & 255, h & 255);
}
