import { LINUX_ERRNO } from "./errno.ts";
import { hex } from "./mac.ts";
import { MODLWIP_SOCKET } from "./modlwip.ts";
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
  // MICROPY_HW_FLASH_STORAGE_BYTES (848 * 1024), ports/rp2/boards/RPI_PICO_W/mpconfigboard.h:5 (v1.23.0);
  // _boot.py formats it as LittleFS2 (block 4096) and writes no file: the Pico W starts empty
  // (ports/rp2/modules/_boot.py).
  flash: { bytes: 848 * 1024, blockBytes: 4096, firstBootMessage: null, firstBootFiles: {} },
  serialAutoReset: false,
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
      // A missing SSID is reported after a single scan and cyw43 does not retry (pico-sdk#1195).
      // Scan duration UNVERIFIED: the same as one failed join.
      // Link: 0.6-0.75 MB/s single TCP (board-numbers.md §2, §7: "dl/ul around 750/600 kB/s" with
      // Pico W's lwIP settings, measured on stm32, UNVERIFIED on a Pico W): the middle, 675 kB/s;
      // RTT about 5 ms with power saving kept busy (#19629, CYW43439).
      // MSS 800 (lwipopts_common.h).
      realistic: { associateMs: 2500, dhcpMs: 1000, noApMs: 2500, authFailMs: 2200, scanMs: 2500, retryMs: null, link: { bytesPerSecond: 675_000, rttMs: 5, mss: 800 } },
      fast: { associateMs: 0, dhcpMs: 0, noApMs: 0, authFailMs: 0, scanMs: 0, retryMs: null, link: null },
    },
    scanInactiveError: "EPERM",
    // cyw43 IE-parse bitmask: +1 privacy, +2 WPA IE, +4 RSN IE (cyw43 src/cyw43_ll.c:570-587).
    scanSecurity: { open: 0, wpa2: 5, "wpa-wpa2": 7 },
    scanSixthField: 1, // times the BSSID was seen in the scan, not "hidden" (network_cyw43.c)
    dhcpRetrySeconds: [2, 4, 8, 16, 32, 60], // lwIP 2.2 dhcp.c
    dhcpChecksAddress: false, // LWIP_DHCP_DOES_ACD_CHECK 0 "to speed DHCP up" (board-numbers.md §1d)
    ap: {
      // main.c: "PICO" + 2 bytes of the flash unique id; the simulated board has no flash id, so its MAC stands in.
      defaultSsid: (mac) => `PICO${hex(mac.subarray(4)).toUpperCase()}`,
      defaultPassword: "picoW123",
      security: "wpa2",
      channel: 3,
      poolFirst: 16, // shared/netutils/dhcpserver.h DHCPS_BASE_IP 16, DHCPS_MAX_IP 8
      poolSize: 8,
      leaseSeconds: 24 * 3600,
      status: { up: 3, down: 0 },
      mac: (staMac) => staMac, // cyw43: STA and AP share one MAC
    },
  },
  socket: {
    ...MODLWIP_SOCKET,
    // TCP_SND_BUF and TCP_WND are both 8×MSS(800) (lwipopts_common.h).
    sendBuffer: 6400,
    receiveWindow: 6400,
    // TCP_SYNMAXRTX 6 × a fixed 3 s RTO in SYN_SENT ≈ 18 s (board-numbers.md §3, derived).
    synTimeoutMs: 18_000,
    // MEMP_NUM_TCP_PCB 5 (lwIP default): tcp_new fails, socket() raises ENOMEM.
    maxSockets: 5,
    socketsExhausted: "ENOMEM",
    // lwIP opt.h defaults, not overridden by rp2's lwipopts.h (board-numbers.md §3). TIME-WAIT PCBs
    // are not counted: tcp_alloc() reclaims the oldest of them before it fails.
    tcpPcbs: 5,
    listenPcbs: 8,
  },
};
