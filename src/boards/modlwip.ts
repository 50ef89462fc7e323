/**
 * The socket module of the lwIP raw-API ports (rp2 and esp8266 both run extmod/modlwip.c):
 * constants (modlwip.c globals), send() semantics and messages they share.
 */
export const MODLWIP_SOCKET = {
  module: "modlwip",
  constants: {
    AF_INET: 2,
    AF_INET6: 10,
    SOCK_STREAM: 1,
    SOCK_DGRAM: 2,
    SOCK_RAW: 3,
    SOL_SOCKET: 1,
    SO_REUSEADDR: 4,
    SO_BROADCAST: 32,
    IPPROTO_IP: 0,
    IPPROTO_TCP: 6,
    TCP_NODELAY: 64,
    IP_ADD_MEMBERSHIP: 1024,
    IP_DROP_MEMBERSHIP: 1025,
    MSG_PEEK: 1,
    MSG_DONTWAIT: 2,
  },
  // lwip_tcp_send writes min(len, tcp_sndbuf) and returns that count.
  partialSend: true,
  // MICROPY_PY_SOCKET_LISTEN_BACKLOG_DEFAULT (py/mpconfig.h).
  defaultBacklog: 2,
  // modlwip's accept callback finds its max(1, backlog) slots full, returns ERR_BUF and lwIP aborts
  // the connection with RST (board-numbers.md §3). UNVERIFIED reading: lwIP 2.x counts only
  // half-open connections against its own backlog, so modlwip's queue is what refuses.
  backlogOverflow: "reset",
  setsockoptWarning: "Warning: lwip.setsockopt() not implemented",
  // lwip_getaddrinfo_cb reports a failed lookup as -2.
  dnsFailureErrno: -2,
  // ERR_ARG in lwIP 2.x (src/include/lwip/err.h), raised as it is (modlwip.c v1.23.0 lines 1785-1800).
  dnsNameErrno: -16,
  // ERR_VAL (lwIP 2.x src/core/dns.c dns_gethostbyname_addrtype: "prevent calling found callback if
  // no server is set, return error instead"), raised as it is (modlwip.c v1.23.0 lines 1785-1800).
  dnsNoServerErrno: -6,
  // LWIP_INCOMING_PACKET_QUEUE_LEN is 4 in v1.29; whether v1.23 already queued 4 is UNVERIFIED.
  udpReceiveQueue: 4,
} as const;
