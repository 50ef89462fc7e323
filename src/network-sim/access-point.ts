import type { Clock } from "./clock.ts";
import { DhcpServer } from "./dhcp.ts";

export type Security = "open" | "wpa2";

export interface AccessPointConfig {
  ssid: string;
  password: string;
  security: Security;
  channel: number;
  bssid: Uint8Array;
  /** Signal strength as the boards see it, dBm. */
  rssi: number;
  /** The router: gateway and DNS of the LAN. */
  gateway: string;
  netmask: string;
  dns: string;
  dhcpPool: readonly [start: string, end: string];
  leaseSeconds: number;
}

/** A router-like access point: the radio side (SSID, key) and its DHCP server. */
export class AccessPoint {
  readonly dhcp: DhcpServer;

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
    ...overrides,
  };
}
