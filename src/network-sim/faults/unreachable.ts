import { connectFault } from "./fault.ts";

/**
 * No route to the host: lwIP's tcp_connect fails with ERR_RTE, EHOSTUNREACH at once. (An ICMP
 * "host unreachable" from a router would not do it: lwIP's TCP ignores ICMP errors; use syn_timeout.)
 */
export const unreachable = connectFault("unreachable", "unreachable", "connect() finds no route: EHOSTUNREACH at once");
