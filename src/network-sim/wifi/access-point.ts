import type { Security } from "../../boards/profile.ts";
import { ipToNumber } from "../address.ts";
import type { Clock } from "../clock/clock.ts";
import { DhcpServer } from "./dhcp.ts";
import type { LanHost } from "../lan-host.ts";

export interface AccessPointConfig {
  ssid: string;
  password: string;
  security: Security;
  channel: number;
  /** Not in scans (a hidden SSID); stations that name it still join. */
  hidden?: boolean;
  /** Stations it lets join at most (a board's AP: its max_clients); more are refused association. */
  maxStations?: number | null;
  bssid: Uint8Array;
  /** Signal strength as the boards see it, dBm. */
  rssi: number;
  /** Signal strength for particular boards (by board name), dBm; below -90 the board cannot hear the AP. */
  rssiByBoard?: Record<string, number>;
  /** A router with a way out: the PC (hostIp) and, through it, addresses outside the LAN. */
  uplink?: boolean;
  /** The board whose AP interface this is, if any. */
  owner?: string;
  /** The router: gateway and DNS of the LAN. */
  gateway: string;
  netmask: string;
  dns: string;
  dhcpPool: readonly [start: string, end: string];
  leaseSeconds: number;
}

/** Weakest signal a board still hears, dBm (a typical WiFi receiver's sensitivity). */
export const MIN_RSSI = -90;

/**
 * An access point and the network behind it: the radio side (SSID, key, channel, signal), its DHCP
 * server, and who is reachable at which address on its subnet.
 */
export class AccessPoint {
  readonly dhcp: DhcpServer;
  private readonly hosts = new Map<string, LanHost>();
  /** Addresses a device holds statically (an IP conflict): later hosts at them are not reachable there. */
  private readonly claimed = new Set<string>();
  private readonly goneListeners = new Set<() => void>();

  constructor(
    readonly config: AccessPointConfig,
    clock: Clock,
  ) {
    this.dhcp = new DhcpServer(clock, config.dhcpPool[0], config.dhcpPool[1], config.leaseSeconds);
  }

  get ssid(): string {
    return this.config.ssid;
  }

  /** Whether `key` opens this network (an open network takes any key). */
  accepts(key: string): boolean {
    return this.config.security === "open" || key === this.config.password;
  }

  /** The signal `board` receives, dBm. */
  rssiFor(board: string): number {
    return this.config.rssiByBoard?.[board] ?? this.config.rssi;
  }

  /** Whether its station limit is reached (each associated station watches it: onGone). */
  get full(): boolean {
    const { maxStations } = this.config;
    return maxStations !== null && maxStations !== undefined && this.goneListeners.size >= maxStations;
  }

  /** Whether `board` hears this AP at all (not its own, and in range). */
  audibleTo(board: string): boolean {
    return this.config.owner !== board && this.rssiFor(board) >= MIN_RSSI;
  }

  /** Whether `ip` is on this network's subnet. */
  contains(ip: string): boolean {
    const mask = ipToNumber(this.config.netmask);
    return ((ipToNumber(ip) & mask) >>> 0) === ((ipToNumber(this.config.gateway) & mask) >>> 0);
  }

  /** The subnet's broadcast address. */
  get broadcast(): string {
    const mask = ipToNumber(this.config.netmask);
    const n = ((ipToNumber(this.config.gateway) & mask) | (~mask >>> 0)) >>> 0;
    return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
  }

  /** `host` is reachable at `ip` on this network. */
  attach(ip: string, host: LanHost): void {
    if (!this.claimed.has(ip)) this.hosts.set(ip, host);
  }

  /** A device holds `ip` whoever else takes it: it answers ARP for it, so traffic for `ip` reaches it. */
  claim(ip: string, host: LanHost): () => void {
    this.hosts.set(ip, host);
    this.claimed.add(ip);
    return () => {
      this.claimed.delete(ip);
      this.detach(ip, host);
    };
  }

  detach(ip: string, host: LanHost): void {
    if (this.hosts.get(ip) === host) this.hosts.delete(ip);
  }

  hostAt(ip: string): LanHost | undefined {
    return this.hosts.get(ip);
  }

  /** Every host on the network but `except`, with its address (for broadcasts). */
  hostsExcept(except: LanHost): [string, LanHost][] {
    return [...this.hosts].filter(([, host]) => host !== except);
  }

  /** Calls `listener` when the AP goes off the air; returns a function that stops listening. */
  onGone(listener: () => void): () => void {
    this.goneListeners.add(listener);
    return () => this.goneListeners.delete(listener);
  }

  /** The AP is switched off: every station loses its link. */
  goOffAir(): void {
    for (const listener of [...this.goneListeners]) listener();
    this.goneListeners.clear();
    this.hosts.clear();
  }
}

/** design.md's embedded default network: what a run without flags joins. */
export function defaultAccessPointConfig(overrides: Partial<AccessPointConfig> = {}): AccessPointConfig {
  return {
    ssid: "boardsim-lab",
    password: "micropython",
    security: "wpa2",
    channel: 6,
    bssid: Uint8Array.of(0x02, 0x42, 0x53, 0x4c, 0x41, 0x42),
    rssi: -52,
    gateway: "192.168.1.1",
    netmask: "255.255.255.0",
    dns: "192.168.1.1",
    dhcpPool: ["192.168.1.100", "192.168.1.249"],
    leaseSeconds: 12 * 3600,
    uplink: true,
    ...overrides,
  };
}
