import { JOIN_PY } from "./join.ts";

/**
 * A .py SNTP responder (RFC 4330) for a lab board: it joins the WiFi, answers one query on UDP 123
 * with `transmit` (seconds since 1900) as its transmit timestamp and prints "query <first byte> <length>".
 */
export function sntpResponderPy(transmit: number): string {
  return `${JOIN_PY}import struct
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("", 123))
q, a = u.recvfrom(48)
print("query", q[0], len(q))
u.sendto(bytes([0x1C]) + bytes(39) + struct.pack("!II", ${transmit}, 0), a)
`;
}
