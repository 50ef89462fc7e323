import { LINUX_ERRNO } from "./errno.ts";
import type { BoardProfile } from "./profile.ts";

/** Raspberry Pi Pico W: rp2 port, cyw43 WiFi, MicroPython's raw-lwIP sockets (extmod/modlwip.c). */
export const picoW: BoardProfile = {
  id: "pico_w",
  name: "Raspberry Pi Pico W",
  banner: "MicroPython v1.23.0 on 2024-06-02; Raspberry Pi Pico W with RP2040",
  hostname: "PicoW",
  macOui: [0x28, 0xcd, 0xc1],
  // v1.20+ uses all RAM after .bss; ~190 KB reported, exact figure UNVERIFIED (board-numbers.md §4).
  heapBytes: 192 * 1024,
  errno: LINUX_ERRNO,
  wlan: {
    // cyw43 link status (cyw43.h): JOIN 1, NOIP 2, UP 3, FAIL -1, NONET -2, BADAUTH -3.
    status: {
      idle: 0,
      connecting: 1,
      no_ip: 2,
      got_ip: 3,
      connect_fail: -1,
      no_ap_found: -2,
      wrong_password: -3,
    },
    constants: {
      STAT_IDLE: 0,
      STAT_CONNECTING: 1,
      STAT_GOT_IP: 3,
      STAT_CONNECT_FAIL: -1,
      STAT_NO_AP_FOUND: -2,
      STAT_WRONG_PASSWORD: -3,
      PM_NONE: 16,
      PM_PERFORMANCE: 10555714,
      PM_POWERSAVE: 17,
    },
    activeReturnsState: false,
    connectInactiveError: "EPERM",
    keepsIpOnDisconnect: true,
    ifconfigInactive: ["0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0"],
    ifconfigUnbound: ["0.0.0.0", "255.255.255.0", "192.168.0.1", "8.8.8.8"],
    timing: {
      // Median 3.5 s to GOT_IP (pico-sdk#1165, #912). Time to NONET/BADAUTH is UNVERIFIED: one scan.
      realistic: { associateMs: 2500, dhcpMs: 1000, noApMs: 2500, authFailMs: 2200 },
      fast: { associateMs: 0, dhcpMs: 0, noApMs: 0, authFailMs: 0 },
    },
  },
  socket: {
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
    partialSend: true,
    sendBuffer: 6400,
    receiveWindow: 6400,
    defaultBacklog: 2,
    // lwIP opt.h defaults, not overridden by rp2's lwipopts.h (board-numbers.md §3). TIME-WAIT PCBs
    // are not counted: tcp_alloc() reclaims the oldest of them before it fails.
    tcpPcbs: 5,
    listenPcbs: 8,
    // modlwip: tcp_new() / tcp_listen_with_backlog() returning NULL → OSError(ENOMEM).
    outOfPcbsError: "ENOMEM",
    setsockoptWarning: "Warning: lwip.setsockopt() not implemented",
  },
};
