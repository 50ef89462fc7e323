import type { ErrnoName } from "./errno.ts";
import type { PortProfile } from "./port.ts";
import type { WlanConfigTable } from "./wlan-config.ts";

/** How an access point is secured: open, WPA2-PSK, or WPA/WPA2-PSK mixed mode. */
export type Security = "open" | "wpa2" | "wpa-wpa2";

/** Where a station interface is in joining a network; each board reports it with its own status() codes. */
export type WlanState =
  | "idle"
  | "connecting"
  | "no_ip" // associated, DHCP not done yet
  | "got_ip"
  | "no_ap_found"
  | "wrong_password"
  | "connect_fail"
  | "ap_lost"; // the AP went off the air and the board tries no more

export type TimingProfileName = "realistic" | "fast";

/** How long the steps of joining take, in milliseconds. */
export interface WlanTiming {
  /** connect() until associated with the AP. */
  associateMs: number;
  /** Associated until the DHCP lease is bound. */
  dhcpMs: number;
  /** connect() until a missing SSID is reported. */
  noApMs: number;
  /** connect() until a wrong key is reported. */
  authFailMs: number;
  /** How long scan() blocks. */
  scanMs: number;
  /**
   * After a failed join, how often the driver tries again (ESP-IDF and the ESP8266 SDK retry for
   * ever, picking up an access point that appears later); null when it gives up (cyw43).
   */
  retryMs: number | null;
  /** The WiFi hop every TCP connection of the board crosses; null: unshaped (as fast as the PC). */
  link: LinkTiming | null;
}

/** The ESP ports' config() keys for the AP's settings (ports/esp32 and esp8266 network_wlan.c, config's kwargs switch). */

/**
 * The "fast" timing profile of every board: each step at once, the WiFi hop unshaped; a driver that
 * retries does so every 100 ms (so a test sees the retry without waiting the board's period).
 */
export function fastTiming(retries: boolean): WlanTiming {
  return { associateMs: 0, dhcpMs: 0, noApMs: 0, authFailMs: 0, scanMs: 0, retryMs: retries ? 100 : null, link: null };
}

/** A board's WiFi hop as one TCP connection sees it (applied by src/network-sim/faults/wifi-link.ts). */
export interface LinkTiming {
  /** Single-connection TCP throughput, bytes per second, in each direction. */
  bytesPerSecond: number;
  /** Round trip over the hop, ms: each segment takes half of it, connect() the whole of it. */
  rttMs: number;
  /** TCP_MSS: the largest segment, bytes; the hop carries data in segments of this size. */
  mss: number;
}

/** A function of the network module beside WLAN, where the port has it (BoardProfile.wlan.functions). */
export type NetworkFunction = "country" | "hostname" | "ipconfig" | "route";

export type IfconfigTuple = readonly [ip: string, netmask: string, gateway: string, dns: string];

/**
 * Everything that differs between boards, as data. Shared behaviour lives in src/network-sim and
 * src/emulator; a profile says which numbers, texts and limits that behaviour uses on one board.
 */
export interface BoardProfile {
  id: string;
  /** Board name as the firmware reports it (second half of the banner). */
  name: string;
  /** First banner line, e.g. `MicroPython v1.23.0 on 2024-06-02; Raspberry Pi Pico W with RP2040`. */
  banner: string;
  /** network.hostname() default (MICROPY_PY_NETWORK_HOSTNAME_DEFAULT), used as the DHCP hostname. */
  hostname: string;
  /** Vendor OUI of the station MAC. */
  macOui: readonly [number, number, number];
  /** Bytes of MicroPython heap after boot. */
  heapBytes: number;
  errno: Record<ErrnoName, number>;
  wlan: {
    status: Record<WlanState, number>;
    /** The network module's constants beside STA_IF/AP_IF (STAT_*, AUTH_*, PM_*). */
    constants: Record<string, number>;
    /** ESP32's active(x) returns the new state; the lwIP ports return None. */
    activeReturnsState: boolean;
    /** network.WLAN's type: the Pico W's cyw43 driver's (repr `<CYW43 STA up 192.168.1.100>`), or the ESP ports' WLAN, which has no print (`<WLAN>`). */
    type: "CYW43" | "WLAN";
    /** WLAN(id) for an id not STA_IF (0) nor AP_IF (1): the AP (null: cyw43) or ValueError with this text. */
    badInterface: string | null;
    /** connect() on an inactive interface: an errno, or a message string (`Wifi Not Started`). */
    connectInactiveError: ErrnoName | string;
    /** Pico W keeps the old address in ifconfig() after disconnect() (lwIP only drops the link flag). */
    keepsIpOnDisconnect: boolean;
    ifconfigInactive: IfconfigTuple;
    /** ifconfig() once active but before DHCP has bound. */
    ifconfigUnbound: IfconfigTuple;
    timing: Record<TimingProfileName, WlanTiming>;
    /** scan() on an inactive interface: an errno, or a message string (`STA must be active`). */
    scanInactiveError: ErrnoName | string;
    /** scan() tuple: the security field for each kind of AP. */
    scanSecurity: Record<Security, number>;
    /** scan() tuple's 6th field: Pico W's seen-count (1), ESP32's `False`, ESP8266's hidden flag 0. */
    scanSixthField: number | boolean;
    /**
     * The DHCP client ARP-probes an offered address and declines it when another host answers
     * (then waits 10 s and asks again); without the check it takes a conflicting address.
     */
    dhcpChecksAddress: boolean;
    /** DHCP client's wait between unanswered DISCOVERs, seconds; the last value repeats. */
    dhcpRetrySeconds: readonly number[];
    /**
     * The network module's functions beside WLAN and the constants (extmod/modnetwork.c v1.23.0
     * lines 148-158): `country` and `hostname` on every v1.23 port, `ipconfig` where modlwip runs
     * lwIP 2 (rp2; the ESP8266 SDK's lwIP is 1.4, ESP-IDF's is not modlwip), `route` where the port
     * defines MICROPY_PORT_NETWORK_INTERFACES (rp2). dir(network) lists these.
     */
    functions: readonly NetworkFunction[];
    /** WLAN.ipconfig(): cyw43's (extmod/network_cyw43.c:324-328, 541); the ESP ports' WLAN tables have none at v1.23.0. */
    ipconfigMethod: boolean;
    /** WLAN.config()'s keys, errors and kept settings (wlan-config.ts). */
    config: WlanConfigTable;
    /**
     * When the station's DHCP messages take the name (lwIP's netif hostname): "message", each message
     * reads it (cyw43 points the netif at network.hostname()'s buffer); "connect", connect() copies it in.
     */
    dhcpHostname: "message" | "connect";
    /** The AP interface (network.AP_IF) as the firmware sets it up. */
    ap: SoftApProfile;
  };
  socket: {
    /**
     * Which socket module the firmware runs: extmod/modlwip.c (lwIP raw API: rp2, esp8266) or
     * ports/esp32/modsocket.c (lwIP BSD sockets). getaddrinfo's tuples, repr and select/poll's
     * readiness rules, and how an address tuple is read (names resolved on ESP32: host/netutils.ts) follow it.
     */
    module: "modlwip" | "esp32";
    /** The socket module's constants; these five on every port (types/boardsim.d.ts declares them). */
    constants: Record<string, number> & Record<"AF_INET" | "SOCK_STREAM" | "SOCK_DGRAM" | "SOL_SOCKET" | "SO_REUSEADDR", number>;
    /** lwIP raw-API ports return a short count from send() when the send buffer is short; ESP32 loops. */
    partialSend: boolean;
    /** TCP_SND_BUF, bytes. */
    sendBuffer: number;
    /** TCP_WND: how much the board buffers before the sender must wait. */
    receiveWindow: number;
    /** listen() with no argument. */
    defaultBacklog: number;
    /**
     * Active TCP PCBs (lwIP MEMP_NUM_TCP_PCB / ESP-IDF's MAX_ACTIVE_TCP): connections, accepted or
     * waiting to be, take one each. An incoming connection that finds none waits (its SYN is dropped
     * and the client retries). socket() is limited separately by maxSockets.
     */
    tcpPcbs: number;
    /** Listening PCBs (MEMP_NUM_TCP_PCB_LISTEN): one more listen() raises ENOMEM. */
    listenPcbs: number;
    /**
     * An established connection beyond listen(backlog) not yet accept()ed: "reset" (modlwip's accept
     * queue is full: RST) or "wait" (lwIP's sockets API drops the SYN until accept() makes room).
     */
    backlogOverflow: "reset" | "wait";
    /** What setsockopt() prints for an option the port does not implement. */
    setsockoptWarning: string;
    /** UDP datagrams queued per socket before new ones are dropped. */
    udpReceiveQueue: number;
    /** The bare OSError number of a failed name lookup (-2 lwIP raw API, -202 ESP-IDF EAI_FAIL). */
    dnsFailureErrno: number;
    /**
     * The bare OSError number when lwIP's dns_gethostbyname refuses the name itself with ERR_ARG (an
     * empty name on the raw-API ports, a name of DNS_MAX_NAME_LENGTH bytes or more on all): lwIP 2.x
     * -16, the ESP8266 SDK's lwIP 1.4 -12, ESP-IDF's getaddrinfo EAI_FAIL -202.
     */
    dnsNameErrno: number;
    /**
     * The bare OSError number of a name lookup on a board without a DNS server (its station never
     * given one): lwIP 2.x's dns_gethostbyname refuses it with ERR_VAL, -6 as modlwip raises it;
     * ESP-IDF's getaddrinfo makes that EAI_FAIL, -202. (With a server but no joined station the
     * query goes unanswered: dnsFailureErrno.)
     */
    dnsNoServerErrno: number;
    /**
     * connect() to an address nobody answers: lwIP resends the SYN every `rtoMs` (its initial RTO,
     * LWIP_TCP_RTO_TIME; no doubling in SYN_SENT), `retransmissions` times (TCP_SYNMAXRTX), then
     * aborts: ECONNABORTED (src/network-sim/tcp/syn-retries.ts).
     */
    syn: { rtoMs: number; retransmissions: number };
    /**
     * How many TCP sockets socket() can make, and what it raises beyond that: ESP32 descriptors (any
     * open socket, listening too); tcp_new()'s PCBs on the raw-API ports, where a listening socket
     * holds none (host/socket-table.ts checkTcpRoom).
     */
    maxSockets: number;
    socketsExhausted: ErrnoName;
    /**
     * UDP PCBs a script can hold (lwIP MEMP_NUM_UDP_PCB / ESP-IDF CONFIG_LWIP_MAX_UDP_PCBS): on the
     * raw-API ports the next socket(SOCK_DGRAM) raises ENOMEM; ESP32's descriptors (maxSockets) run out first.
     */
    udpPcbs: number;
    /**
     * What socket.fileno() returns for the socket in lwIP's slot 0 (slots: the lowest free one at
     * socket() and accept()); null where the port's socket has no fileno().
     */
    filenoBase: number | null;
  };
  /** The filesystem on the board's flash (a folder on the PC: src/emulator/flash-dir.ts). */
  flash: FlashProfile;
  /** What help() with no argument prints (the port's help.c). */
  helpText: string;
  /**
   * USB-serial auto-reset circuit (ESP dev boards: DTR/RTS drive EN and IO0, as esptool expects);
   * the Pico W's USB CDC has none.
   */
  serialAutoReset: boolean;
  /** A built-in screen (the mPython board's 128×64 OLED). */
  display?: { width: number; height: number };
  /** Packages of the guest library this firmware does not freeze (its v1.23 manifest), e.g. `umqtt` on rp2. */
  notFrozen?: readonly string[];
  /** Modules the vendor's firmware adds beside network/socket/time (e.g. `mpython`). */
  vendorModules?: readonly string[];
  /** The port's identity, clock and machine peripherals (port.ts). */
  port: PortProfile;
}

/** The board's own access point (AP_IF): the firmware's defaults. */
export interface SoftApProfile {
  /** Default SSID, from the board's MAC (stands in for the flash id where the firmware uses that). */
  defaultSsid(mac: Uint8Array): string;
  defaultPassword: string;
  security: Security;
  channel: number;
  /** Stations it lets join at most (null: no limit modelled). */
  maxStations: number | null;
  /** Its DHCP server: first address (last octet) and how many, lease time. AP address is 192.168.4.1. */
  poolFirst: number;
  poolSize: number;
  leaseSeconds: number;
  /** status() of the AP interface when up and when down; null where it returns None (ESP32). */
  status: { up: number; down: number } | null;
  /** The MAC the AP interface uses, from the station MAC. */
  mac(staMac: Uint8Array): Uint8Array;
}

/** The board's filesystem as the firmware formats and fills it on its first boot. */
export interface FlashProfile {
  /** Size of the filesystem: statvfs() and ENOSPC. */
  bytes: number;
  /** LittleFS block size (statvfs f_bsize); files take whole blocks. */
  blockBytes: number;
  /** What the firmware prints on the first boot of an erased flash (inisetup.py), or null. */
  firstBootMessage: string | null;
  /** Files the firmware writes on that first boot. */
  firstBootFiles: Readonly<Record<string, string>>;
}
