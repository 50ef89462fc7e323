import type { Logger } from "pino";
import type { BoardProfile, IfconfigTuple } from "../../boards/profile.ts";
import type { Security } from "../../boards/profile.ts";
import type { AccessPoint } from "./access-point.ts";
import { numberToIp, ipToNumber } from "../address.ts";
import { FirmwareError } from "../errors.ts";
import type { Lan } from "../lan.ts";
import type { LanHost } from "../lan-host.ts";

/** Where every firmware puts its own AP: 192.168.4.1/24, also gateway and DNS for its stations. */
const AP_ADDRESS = "192.168.4.1";
const AP_NETMASK = "255.255.255.0";
/** How strongly the other virtual boards hear a board's AP, dBm (they sit on the same desk). */
const DESK_RSSI = -40;

export interface SoftApSettings {
  ssid: string;
  password: string;
  security: Security;
  channel: number;
  /** Left out of other boards' scans (config(hidden=True)); a station naming it still joins. */
  hidden: boolean;
  /** Stations it lets join at most; null: no limit. */
  maxStations: number | null;
}

/**
 * A board's AP interface (network.AP_IF): while active, an access point on the LAN with the board
 * at 192.168.4.1 and a DHCP server with the pool its firmware uses; other boards join it.
 */
export class SoftAp {
  readonly settings: SoftApSettings;
  private ap: AccessPoint | null = null;
  readonly mac: Uint8Array;

  constructor(
    private readonly lan: Lan,
    private readonly log: Logger,
    private readonly profile: BoardProfile,
    staMac: Uint8Array,
    private readonly host: LanHost,
  ) {
    const defaults = profile.wlan.ap;
    this.mac = defaults.mac(staMac);
    const { defaultPassword: password, security, channel, maxStations } = defaults;
    this.settings = { ssid: defaults.defaultSsid(this.mac), password, security, channel, hidden: false, maxStations };
  }

  get active(): boolean {
    return this.ap !== null;
  }

  setActive(on: boolean): void {
    if (on && !this.ap) this.goOnAir();
    if (!on && this.ap) this.goOffAir();
  }

  /** config(essid=…, password=…, …): applied at once; an active AP restarts with them, dropping its stations. */
  configure(changes: Partial<SoftApSettings>): void {
    Object.assign(this.settings, changes);
    if (this.ap) {
      this.goOffAir();
      this.goOnAir();
    }
  }

  connect(): never {
    throw new FirmwareError("OSError", "STA required");
  }

  disconnect(): void {}

  status(): number | null {
    const codes = this.profile.wlan.ap.status;
    return codes === null ? null : this.ap ? codes.up : codes.down;
  }

  /** At least one station joined. */
  isConnected(): boolean {
    return this.stations().length > 0;
  }

  /** The stations on the AP's network: their MACs. */
  stations(): Uint8Array[] {
    return this.ap ? this.ap.hostsExcept(this.host).map(([, station]) => station.mac) : [];
  }

  ifconfig(): IfconfigTuple {
    return this.ap ? [AP_ADDRESS, AP_NETMASK, AP_ADDRESS, AP_ADDRESS] : ["0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0"];
  }

  setStatic(): never {
    throw new FirmwareError("OSError", "boardsim: a static address on the AP interface is not simulated");
  }

  get network(): AccessPoint | null {
    return this.ap;
  }

  get ip(): string | null {
    return this.ap ? AP_ADDRESS : null;
  }

  private goOnAir(): void {
    const { poolFirst, poolSize, leaseSeconds } = this.profile.wlan.ap;
    const base = ipToNumber(AP_ADDRESS) - 1;
    this.ap = this.lan.addAccessPoint({
      ...this.settings,
      bssid: this.mac,
      rssi: DESK_RSSI,
      gateway: AP_ADDRESS,
      netmask: AP_NETMASK,
      dns: AP_ADDRESS,
      dhcpPool: [numberToIp(base + poolFirst), numberToIp(base + poolFirst + poolSize - 1)],
      leaseSeconds,
      uplink: false,
      owner: this.host.name,
    });
    this.ap.attach(AP_ADDRESS, this.host);
    this.log.info({ ssid: this.settings.ssid, ip: AP_ADDRESS }, `AP "${this.settings.ssid}" up at ${AP_ADDRESS}`);
  }

  private goOffAir(): void {
    this.lan.removeAccessPoint(this.ap!);
    this.ap = null;
  }
}
