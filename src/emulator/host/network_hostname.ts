import { GuestException, type HostValue } from "../host-api.ts";
import { strBytes, strText } from "./arguments.ts";
import type { BoardContext } from "./context.ts";

/** MICROPY_PY_NETWORK_HOSTNAME_MAX_LEN: extmod/modnetwork.h:58-61's, which no port changes. */
const HOSTNAME_MAX_LEN = 32;

/**
 * mod_network_hostname(1, &name) (extmod/modnetwork.c:131-139), also WLAN.config(hostname=): at
 * most HOSTNAME_MAX_LEN bytes, else ValueError(); kept as a C string (its reader stops at a NUL: strlen, 130).
 */
export function setHostname(board: BoardContext, name: HostValue): void {
  const bytes = strBytes(name);
  if (bytes.length > HOSTNAME_MAX_LEN) throw new GuestException("ValueError", []);
  const end = bytes.indexOf(0);
  board.networkGlobals.hostname = strText(end === -1 ? bytes : bytes.subarray(0, end));
}
