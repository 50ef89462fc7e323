/**
 * The address argument of socket.bind/connect/sendto, `(ip, port)`, checked and read as the board's
 * socket module does (v1.23.0): lib/netutils's netutils_parse_inet_addr, modlwip.c's
 * lwip_parse_inet_addr and the ESP32 modsocket.c's _socket_getaddrinfo. The guests pass the argument
 * as it is (a tuple or list as a list, anything else by its type's name: arguments.ts pyTypeName).
 */
import { integer, pyTypeName, strBytes } from "./arguments.ts";
import { GuestException, type HostValue } from "../host-api.ts";
import type { BoardContext } from "./context.ts";

export type AddressUse = "bind" | "connect" | "sendto";

/** The (ip, port) a bind/connect/sendto address argument names on this board, or the port's exception. */
export function inetAddress(board: BoardContext, addr: HostValue, use: AddressUse): [ip: string, port: number] {
  const [host, port] = pair(addr);
  if (use !== "bind" && typeof host === "string") warnPlaceholder(board, host);
  if (board.profile.socket.module !== "esp32") {
    // modlwip.c lines 378-395 (lwip_parse_inet_addr; v1.27.0 426-434): the text as a C string (up to
    // a NUL), "" is IP_ADDR_ANY, else ipaddr_aton or ValueError (no name lookup); the port is
    // mp_obj_get_int's, a u16_t for tcp_bind/udp_bind/tcp_connect (70000 is 4464). UNVERIFIED: what
    // connect() to IP_ADDR_ANY does; the LAN finds nobody there.
    const text = cString(strData(host));
    const ip = text === "" ? "0.0.0.0" : ip4addrAton(text);
    if (ip === null) throw invalidArguments();
    return [ip, integer(port) & 0xffff];
  }
  if (use === "sendto") {
    // esp32 modsocket.c line 756 (socket_sendto): netutils_parse_inet_addr, no name lookup, the text
    // by its length (mp_obj_str_get_data), so past a NUL; the port through lwip_htons, so a u16_t.
    const text = strData(host);
    return [netutilsParseIpv4(text), integer(port) & 0xffff];
  }
  // esp32 modsocket.c lines 215-268 (_socket_getaddrinfo, _getaddrinfo_inner): an integer port (bool
  // included: mp_obj_is_integer) is formatted with "%s"; host then port must be str (or bytes).
  const portText = typeof port === "number" && Number.isInteger(port) ? String(port) : typeof port === "boolean" ? (port ? "True" : "False") : null;
  const hostText = strData(host);
  const [ip, number] = esp32Getaddrinfo(board, hostText, portText ?? strData(port));
  return [ip, number];
}

/**
 * ESP32's _getaddrinfo_inner on a host and port text: both taken as C strings (modsocket.c v1.23.0
 * lines 228-229, v1.27.0 231-232), then "" is 0.0.0.0; lwIP's lwip_getaddrinfo (api/netdb.c) reads
 * the port with atoi(), refused with EAI_SERVICE (201, raised negated: modsocket.c line 250) unless
 * 0..65535 and, when 0, written with a leading '0'; then looks the name up, and keeps it as the
 * result's canonname (what getaddrinfo's 4th field shows).
 */
export function esp32Getaddrinfo(board: BoardContext, host: string, port: string): [ip: string, port: number, name: string] {
  const portText = cString(port);
  const number = atoi(portText);
  if ((number === 0 && !portText.startsWith("0")) || number < 0 || number > 0xffff) throw new GuestException("OSError", [-201]);
  const name = cString(host) || "0.0.0.0";
  return [lookup(board, name), number, name];
}

/**
 * What the firmware's C code sees of a str or bytes it takes with mp_obj_str_get_str (py/objstr.c
 * v1.23.0 line 2371, v1.27.0 line 2387: the data, its length dropped, no check for a NUL): the
 * text up to its first NUL.
 */
export function cString(text: string): string {
  const end = text.indexOf("\0");
  return end === -1 ? text : text.slice(0, end);
}

/** lwIP's default (src/include/lwip/opt.h), which no port's lwipopts.h changes (UNVERIFIED for the ESP8266 SDK and ESP-IDF). */
const DNS_MAX_NAME_LENGTH = 256;

/**
 * A name as the simulated router's DNS resolves it (its hosts table), a numeric address as it is;
 * an unknown name fails at once with the board's lookup error (a real router may take its DNS
 * timeout: UNVERIFIED). Only a station that joined reaches the router: before that a board has
 * no DNS server (ifconfig()'s fourth field 0.0.0.0, dnsNoServerErrno) or one it cannot reach
 * (dnsFailureErrno, after unansweredQueryMs on the raw-API ports).
 */
export function lookup(board: BoardContext, host: string): string {
  if (refusedName(host)) throw new GuestException("OSError", [board.profile.socket.dnsNameErrno]);
  const literal = ip4addrAton(host);
  if (literal !== null) return literal;
  const { socket } = board.profile;
  if (!board.sta.isConnected()) {
    board.log.warn({ host }, `DNS: no answer for "${host}": the board's WiFi station has not connected (wlan.connect(...) and wait for wlan.isconnected() first)`);
    throw new GuestException("OSError", [board.sta.ifconfig()[3] === "0.0.0.0" ? socket.dnsNoServerErrno : socket.dnsFailureErrno]);
  }
  const ip = board.lan.dns.resolve(host);
  if (ip !== null) return ip;
  board.log.warn({ host }, `DNS: no address for "${host}" (add it with --hosts ${host}=IP or the lab file's hosts:)`);
  throw new GuestException("OSError", [socket.dnsFailureErrno]);
}

/**
 * dns_gethostbyname refuses an empty name and checks the length before it reads an address (lwIP
 * src/core/dns.c), so even "1.2.3.4" padded with spaces past it is refused. (The ESP32 asks for
 * "0.0.0.0" where its script gave "": esp32Getaddrinfo.)
 */
function refusedName(host: string): boolean {
  return host === "" || Buffer.byteLength(host) >= DNS_MAX_NAME_LENGTH;
}

/**
 * lwIP's DNS client resends a query nobody answers after 1, 1, 2 and 3 s and gives up at the 4th
 * (src/core/dns.c dns_check_entry: DNS_TMR_INTERVAL 1000, DNS_MAX_RETRIES 4, the timer set to the
 * retry count; lwIP 1.4 the same), then lwip_getaddrinfo_cb reports -2 (board-numbers.md §1d).
 */
const UNANSWERED_QUERY_MS = 7000;

/**
 * How long modlwip's getaddrinfo waits on a query for `host` before lookup() gives its answer: the
 * retries above where the query goes to a DNS server the board cannot reach (its station has not
 * joined; a station that joins meanwhile gets the answer), 0 where no query goes out (an address,
 * a refused name, no DNS server, a joined station whose router answers at once).
 */
export function unansweredQueryMs(board: BoardContext, host: string): number {
  if (refusedName(host) || ip4addrAton(host) !== null || board.sta.isConnected()) return 0;
  return board.sta.ifconfig()[3] === "0.0.0.0" ? 0 : UNANSWERED_QUERY_MS;
}

/** The chapter's scripts ship with host = "********" for the student to fill in: say what to put there. */
function warnPlaceholder(board: BoardContext, host: string): void {
  if (!/^\*+$/.test(host)) return;
  board.log.warn({ host }, `the script connects to "${host}": set its host to the PC's address on the simulated WiFi, 192.168.1.2 (the chapter leaves it for you to fill in)`);
}

/** py/obj.c mp_obj_get_array_fixed_n (lines 421-447), as ports with MICROPY_ERROR_REPORTING NORMAL or above word it. */
function pair(addr: HostValue): readonly HostValue[] {
  if (!Array.isArray(addr)) throw new GuestException("TypeError", [`object '${pyTypeName(addr)}' isn't a tuple or list`]);
  if (addr.length !== 2) throw new GuestException("ValueError", [`requested length 2 but object has length ${addr.length}`]);
  return addr;
}

/** py/objstr.c mp_obj_str_get_data / mp_obj_str_get_str: str or bytes as text, else bad_implicit_conversion (line 2345). */
function strData(value: HostValue): string {
  return typeof value === "string" ? value : String.fromCharCode(...strBytes(value));
}

function invalidArguments(): GuestException {
  return new GuestException("ValueError", ["invalid arguments"]);
}

/**
 * shared/netutils/netutils.c netutils_parse_ipv4_addr (lines 57-84): four parts split at '.', each
 * `val * 10 + c - '0'` whatever its characters are, kept to a byte; any other shape is ValueError.
 */
function netutilsParseIpv4(text: string): string {
  if (text === "") return "0.0.0.0";
  const parts = text.split(".");
  if (parts.length !== 4) throw invalidArguments();
  return parts.map((part) => [...part].reduce((val, c) => (Math.imul(val, 10) + c.charCodeAt(0) - 48) >>> 0, 0) & 0xff).join(".");
}

/**
 * lwIP's ip4addr_aton (core/ipv4/ip4_addr.c), the BSD inet_aton: 1 to 4 parts, each decimal, octal
 * (leading 0) or hex (0x); the last part fills the remaining bytes (a.b.c.d, a.b.c, a.b, a); trailing
 * white space is allowed. null where it refuses the text.
 */
export function ip4addrAton(text: string): string | null {
  const parts: number[] = [];
  let at = 0;
  for (;;) {
    if (!/[0-9]/.test(text[at] ?? "")) return null;
    let base = 10;
    if (text[at] === "0") {
      at++;
      if (text[at] === "x" || text[at] === "X") (base = 16), at++;
      else base = 8;
    }
    let val = 0;
    for (; at < text.length; at++) {
      const digit = parseInt(text[at]!, 16);
      if (Number.isNaN(digit) || (base !== 16 && !/[0-9]/.test(text[at]!))) break;
      val = (Math.imul(val, base) + (base === 8 ? (text.charCodeAt(at) - 48) : digit)) >>> 0;
    }
    parts.push(val);
    if (text[at] !== ".") break;
    if (parts.length === 4) return null;
    at++;
  }
  if (at < text.length && !/^\s/.test(text.slice(at))) return null;
  const last = parts.pop()!;
  if (parts.some((p) => p > 0xff) || last >= 2 ** (8 * (4 - parts.length))) return null;
  const bytes = [...parts, ...[0, 0, 0, 0].slice(parts.length).map((_, i, rest) => (last >>> (8 * (rest.length - 1 - i))) & 0xff)];
  return bytes.join(".");
}

/** C's atoi: leading white space, an optional sign, then digits (none: 0). */
function atoi(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}
