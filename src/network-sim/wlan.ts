import type { Logger } from "pino";
import type { BoardProfile, IfconfigTuple, WlanState, WlanTiming } from "../boards/profile.ts";
import type { AccessPoint } from "./access-point.ts";
import { formatMac } from "./address.ts";
import type { Clock } from "./clock.ts";
import { FirmwareError, NetError, type ErrnoName } from "./errors.ts";
import type { Lease } from "./dhcp.ts";
import type { Lan } from "./lan.ts";

export interface WlanOptions {
  lan: Lan;
  clock: Clock;
  log: Logger;
  profile: BoardProfile;
  timing: WlanTiming;
  mac: Uint8Array;
  hostname: string;
}

/**
 * A board's station interface: active → connect → associate → DHCP, on the board's clock and
 * timing profile. status() codes, return values and errors come from the board profile.
 */
export class Wlan {
  private state: WlanState = "idle";
  private isActive = false;
  private lease: Lease | null = null;
  private ap: AccessPoint | null = null;
  private everActive = false;
  private cancelJoin: (() => void) | null = null;

  constructor(private readonly opts: WlanOptions) {}

  get active(): boolean {
    return this.isActive;
  }

  setActive(on: boolean): void {
    if (!on && this.isActive) this.leave();
    this.isActive = on;
    this.everActive ||= on;
  }

  connect(ssid: string, key: string): void {
    if (!this.isActive) throw inactiveError(this.opts.profile.wlan.connectInactiveError);
    this.cancelJoin?.();
    this.state = "connecting";
    const { timing, lan, log } = this.opts;
    const ap = lan.findAccessPoint(ssid);
    if (!ap) {
      this.schedule(timing.noApMs, () => {
        this.state = "no_ap_found";
        log.warn({ ssid }, `WiFi: no access point named "${ssid}"`);
        this.retry(ssid, key);
      });
      return;
    }
    if (!ap.accepts(key)) {
      this.schedule(timing.authFailMs, () => {
        this.state = "wrong_password";
        log.warn({ ssid }, `WiFi: wrong password for "${ssid}"`);
        this.retry(ssid, key);
      });
      return;
    }
    this.associate(ap);
  }

  /** The networks on the air, as a scan finds them. */
  scan(): AccessPoint[] {
    if (!this.isActive) throw inactiveError(this.opts.profile.wlan.connectInactiveError);
    return [...this.opts.lan.accessPoints];
  }

  disconnect(): void {
    this.leave();
  }

  status(): number {
    return this.opts.profile.wlan.status[this.state];
  }

  isConnected(): boolean {
    return this.state === "got_ip";
  }

  ifconfig(): IfconfigTuple {
    const { wlan } = this.opts.profile;
    if (this.lease && this.ap && (this.state === "got_ip" || wlan.keepsIpOnDisconnect)) {
      const { netmask, gateway, dns } = this.ap.config;
      return [this.lease.ip, netmask, gateway, dns];
    }
    return this.everActive ? wlan.ifconfigUnbound : wlan.ifconfigInactive;
  }

  /** The address sockets use; null while the board has no working link. */
  get ip(): string | null {
    return this.state === "got_ip" && this.lease ? this.lease.ip : null;
  }

  private associate(ap: AccessPoint): void {
    const { timing, log } = this.opts;
    this.schedule(timing.associateMs, () => {
      this.ap = ap;
      this.state = "no_ip";
      log.info({ ssid: ap.ssid, bssid: formatMac(ap.config.bssid) }, `WiFi associated with "${ap.ssid}"`);
      this.schedule(timing.dhcpMs, () => this.bindLease(ap));
    });
  }

  /**
   * ESP-IDF and the ESP8266 SDK keep trying after a failed join, status() still showing the last
   * failure, and join once the network is there; cyw43 gives up (retryMs null).
   */
  private retry(ssid: string, key: string): void {
    const { retryMs } = this.opts.timing;
    if (retryMs === null) return;
    this.schedule(retryMs, () => {
      const ap = this.opts.lan.findAccessPoint(ssid);
      if (ap?.accepts(key)) this.associate(ap);
      else this.retry(ssid, key);
    });
  }

  private bindLease(ap: AccessPoint): void {
    const { mac, hostname, log } = this.opts;
    const lease = ap.dhcp.lease(formatMac(mac), hostname);
    if (!lease) {
      log.warn({ ssid: ap.ssid }, "DHCP: pool exhausted, no address offered");
      return; // stays associated without an address, as a board whose DISCOVERs go unanswered
    }
    this.lease = lease;
    this.state = "got_ip";
    log.info({ ip: lease.ip, mac: lease.mac, hostname, leaseSeconds: ap.dhcp.leaseSeconds }, `DHCP lease ${lease.ip} for ${hostname}`);
  }

  private leave(): void {
    this.cancelJoin?.();
    this.cancelJoin = null;
    if (this.state === "got_ip") this.opts.log.info("WiFi disconnected");
    this.state = "idle";
    if (!this.opts.profile.wlan.keepsIpOnDisconnect) this.lease = null;
  }

  private schedule(ms: number, step: () => void): void {
    this.cancelJoin = this.opts.clock.setTimer(ms, () => {
      this.cancelJoin = null;
      step();
    });
  }
}

function inactiveError(error: ErrnoName | string): Error {
  return /^E[A-Z]+$/.test(error) ? new NetError(error as ErrnoName) : new FirmwareError("OSError", error);
}
