import type { ErrnoName } from "../network-sim/errors.ts";

/** Where a station interface is in joining a network; each board reports it with its own status() codes. */
export type WlanState =
  | "idle"
  | "connecting"
  | "no_ip" // associated, DHCP not done yet
  | "got_ip"
  | "no_ap_found"
  | "wrong_password"
  | "connect_fail";

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
}

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
  /** network.hostname() default, used as the DHCP hostname. */
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
    /** connect() on an inactive interface: an errno, or a message string (`Wifi Not Started`). */
    connectInactiveError: ErrnoName | string;
    /** Pico W keeps the old address in ifconfig() after disconnect() (lwIP only drops the link flag). */
    keepsIpOnDisconnect: boolean;
    ifconfigInactive: IfconfigTuple;
    /** ifconfig() once active but before DHCP has bound. */
    ifconfigUnbound: IfconfigTuple;
    timing: Record<TimingProfileName, WlanTiming>;
  };
  socket: {
    constants: Record<string, number>;
    /** lwIP raw-API ports return a short count from send() when the send buffer is short; ESP32 loops. */
    partialSend: boolean;
    /** TCP_SND_BUF, bytes. */
    sendBuffer: number;
    /** TCP_WND: how much the board buffers before the sender must wait. */
    receiveWindow: number;
    /** listen() with no argument. */
    defaultBacklog: number;
    /**
     * Active TCP PCBs (lwIP MEMP_NUM_TCP_PCB): unlistened sockets, accepted connections and those
     * waiting in an accept queue all take one. A connection that finds none waits (its SYN is dropped).
     */
    tcpPcbs: number;
    /** Listening PCBs (MEMP_NUM_TCP_PCB_LISTEN): how many sockets can listen at once. */
    listenPcbs: number;
    /** What socket() and listen() raise when no PCB is free. */
    outOfPcbsError: ErrnoName;
    /** What setsockopt() prints for an option the port does not implement. */
    setsockoptWarning: string;
  };
}
