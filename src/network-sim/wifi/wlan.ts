import type { Logger } from "pino";
import type { BoardProfile, IfconfigTuple, WlanState, WlanTiming } from "../../boards/profile.ts";
import type { AccessPoint } from "./access-point.ts";
import { formatMac } from "../address.ts";
import type { Clock } from "../clock/clock.ts";
import type { ErrnoName } from "../../boards/errno.ts";
import { FirmwareError, NetError } from "../errors.ts";
import type { Lease } from "./dhcp.ts";
import type { Lan } from "../lan.ts";
import type { LanHost } from "../lan-host.ts";

export interface WlanOptions {
  lan: Lan;
  clock: Clock;
  log: Logger;
  profile: BoardProfile;
  timing: WlanTiming;
  mac: Uint8Array;
  /** network.hostname()'s name now: what the station's DHCP messages carry (profile wlan.dhcpHostname says when). */
  hostname: () => string;
  /** The board as the LAN sees it: registered on the network under its address once it has one. */
  host?: LanHost;
}

/** An access point as one scan saw it. */
export interface ScanResult {
  ap: AccessPoint;
  rssi: number;
}

/**
 * A board's station interface: active → connect → associate → DHCP, on the board's clock and
 * timing profile. Failures (no AP, out of range, wrong key, no DHCP answer) and the retries after
 * them follow the profile; status() codes, return values and errors come from it too.
 */
export class Wlan {
  private state: WlanState = "idle";
  private isActive = false;
  private lease: Lease | null = null;
  private ap: AccessPoint | null = null;
  private everActive = false;
  private cancelJoin: (() => void) | null = null;
  private cancelRenewal: (() => void) | null = null;
  private stopWatchingAp: (() => void) | null = null;
  /** The network connect() asked for, kept while the board retries. */
  private target: { ssid: string; key: string } | null = null;
  /** The wrong password was reported on stderr for this connect(). */
  private saidWrongPassword = false;
  /** ifconfig((ip, mask, gw, dns)): a static address instead of DHCP. */
  private staticConfig: IfconfigTuple | null = null;
  /** The name connect() copied in, on a board whose connect() hands it to the WiFi stack. */
  private copiedHostname: string | null = null;
  /**
   * config(reconnects=n) (ESP32): how often a retrying board tries again after a failure or a lost
   * link, -1 for ever (network_wlan.c:582-587, counted in the disconnect handler 149-154, reset by
   * connect() 342); `retried` counts since connect().
   */
  reconnects = -1;
  private retried = 0;

  constructor(private readonly opts: WlanOptions) {}

  get active(): boolean {
    return this.isActive;
  }

  get timing(): WlanTiming {
    return this.opts.timing;
  }

  /** The board's name on the LAN (for per-board signal strength). */
  private get name(): string {
    return this.opts.host?.name ?? this.opts.hostname();
  }

  /** The name in its DHCP messages (lwIP's netif hostname). */
  private get dhcpHostname(): string {
    return this.copiedHostname ?? this.opts.hostname();
  }

  setActive(on: boolean): void {
    if (!on && this.isActive) this.leave();
    this.isActive = on;
    this.everActive ||= on;
  }

  connect(ssid: string, key: string): void {
    if (!this.isActive) throw inactiveError(this.opts.profile.wlan.connectInactiveError);
    this.leave();
    if (this.opts.profile.wlan.dhcpHostname === "connect") this.copiedHostname = this.opts.hostname();
    this.target = { ssid, key };
    this.retried = 0;
    this.saidWrongPassword = false;
    this.state = "connecting";
    this.attempt();
  }

  disconnect(): void {
    this.leave();
  }

  /** The access points this board hears now, strongest first. */
  scan(): ScanResult[] {
    if (!this.isActive) throw inactiveError(this.opts.profile.wlan.scanInactiveError);
    return this.opts.lan.accessPoints
      .filter((ap) => ap.audibleTo(this.name) && !ap.config.hidden)
      .map((ap) => ({ ap, rssi: ap.rssiFor(this.name) }))
      .sort((a, b) => b.rssi - a.rssi);
  }

  status(): number {
    return this.opts.profile.wlan.status[this.state];
  }

  isConnected(): boolean {
    return this.state === "got_ip";
  }

  ifconfig(): IfconfigTuple {
    const { wlan } = this.opts.profile;
    if (this.staticConfig) return this.staticConfig;
    if (this.lease && this.ap && (this.state === "got_ip" || wlan.keepsIpOnDisconnect)) {
      const { netmask, gateway, dns } = this.ap.config;
      return [this.lease.ip, netmask, gateway, dns];
    }
    return this.everActive ? wlan.ifconfigUnbound : wlan.ifconfigInactive;
  }

  /** ifconfig((ip, mask, gw, dns)): a fixed address from now on, no DHCP; null goes back to DHCP. */
  setStatic(config: IfconfigTuple | null): void {
    const wasUp = this.state === "got_ip" && this.ap;
    if (wasUp && this.opts.host) this.ap!.detach(this.ip!, this.opts.host);
    this.staticConfig = config;
    if (wasUp && config) this.bindAddress(this.ap!);
    else if (wasUp) this.requestLease(this.ap!, 0);
  }

  get usesDhcp(): boolean {
    return this.staticConfig === null;
  }

  /** The address sockets use; null while the board has no working link. */
  get ip(): string | null {
    if (this.state !== "got_ip") return null;
    return this.staticConfig?.[0] ?? this.lease?.ip ?? null;
  }

  /** The network the board is on, while it has an address there. */
  get network(): AccessPoint | null {
    return this.state === "got_ip" ? this.ap : null;
  }

  /** One join attempt: find the AP, authenticate, associate; on failure retry if the board does. */
  private attempt(): void {
    const { timing, lan, log } = this.opts;
    const { ssid, key } = this.target!;
    const ap = lan.accessPoints.find((candidate) => candidate.ssid === ssid && candidate.audibleTo(this.name));
    if (!ap) {
      this.schedule(timing.noApMs, () => {
        this.state = "no_ap_found";
        log.warn({ ssid }, `WiFi: no access point named "${ssid}" in range`);
        this.retryLater();
      });
      return;
    }
    if (!ap.accepts(key)) {
      this.schedule(timing.authFailMs, () => {
        this.state = "wrong_password";
        // Said once per connect(): a retrying board (ESP32, ESP8266) fails again every few seconds, and
        // its script often prints nothing about it, as on the real board.
        const retries = timing.retryMs !== null;
        if (this.saidWrongPassword) log.debug({ ssid }, `WiFi: wrong password for "${ssid}"`);
        else log.warn({ ssid }, `WiFi: wrong password for "${ssid}"${retries ? ": the board keeps retrying, and the console may show nothing about it (as on the real board)" : ""}`);
        this.saidWrongPassword = true;
        this.retryLater();
      });
      return;
    }
    if (ap.full) {
      // The AP refuses the association. A retrying board's status() reads "connecting" meanwhile, as
      // ESP32's does for a reason it does not name (network_wlan.c:384-387); the ESP8266's and a
      // Pico W's (connect_fail) UNVERIFIED.
      this.schedule(timing.associateMs, () => {
        this.state = timing.retryMs === null ? "connect_fail" : "connecting";
        log.warn({ ssid }, `WiFi: "${ssid}" takes no more stations`);
        this.retryLater();
      });
      return;
    }
    this.schedule(timing.associateMs, () => this.associate(ap));
  }

  /**
   * ESP-IDF and the ESP8266 SDK keep trying for ever, status() still showing the last failure, and
   * join once the network is there; the Pico W (cyw43) gives up after one scan.
   */
  private retryLater(): void {
    const { retryMs } = this.opts.timing;
    if (this.retries()) this.schedule(retryMs!, () => this.attempt());
  }

  /** Whether the board tries again after a failure: it retries at all, and config(reconnects=) leaves it tries. */
  private retries(): boolean {
    if (this.opts.timing.retryMs === null || !this.target) return false;
    return this.reconnects < 0 || ++this.retried <= this.reconnects;
  }

  private associate(ap: AccessPoint): void {
    const { log, timing } = this.opts;
    this.ap = ap;
    this.state = "no_ip";
    this.stopWatchingAp = ap.onGone(() => this.lostAp(ap));
    log.info({ ssid: ap.ssid, bssid: formatMac(ap.config.bssid) }, `WiFi associated with "${ap.ssid}"`);
    if (this.staticConfig) this.bindAddress(ap);
    else {
      this.opts.lan.capture?.dhcpDiscover(this.opts.mac, this.dhcpHostname);
      this.schedule(timing.dhcpMs, () => this.requestLease(ap, 0));
    }
  }

  /** DHCP DISCOVER/REQUEST; an unanswered one (pool exhausted) is retried with the board's backoff. */
  private requestLease(ap: AccessPoint, tries: number): void {
    const { mac, log, profile } = this.opts;
    const hostname = this.dhcpHostname;
    if (tries > 0) this.opts.lan.capture?.dhcpDiscover(mac, hostname); // the first went out at association
    const lease = ap.dhcp.lease(formatMac(mac), hostname);
    if (!lease) {
      const backoff = profile.wlan.dhcpRetrySeconds;
      const seconds = backoff[Math.min(tries, backoff.length - 1)]!;
      const why = ap.dhcp.answering ? "pool exhausted" : "no answer";
      log.warn({ ssid: ap.ssid, retryInSeconds: seconds }, `DHCP: no address offered on "${ap.ssid}" (${why}); retrying in ${seconds} s`);
      this.schedule(seconds * 1000, () => this.requestLease(ap, tries + 1));
      return;
    }
    const holder = ap.hostAt(lease.ip);
    if (holder && holder !== this.opts.host && profile.wlan.dhcpChecksAddress) {
      this.opts.lan.capture?.arpProbe(mac, lease.ip);
      // lwIP's dhcp_decline: the address answered an ARP probe; ask again after DHCP_REQUEST_BACKOFF (10 s).
      log.warn({ ip: lease.ip }, `DHCP: ${lease.ip} is already in use (ARP answered): declined`);
      ap.dhcp.decline(lease.mac, lease.ip);
      this.schedule(10_000, () => this.requestLease(ap, 0));
      return;
    }
    this.lease = lease;
    this.opts.lan.capture?.dhcp(mac, hostname, lease.ip, ap.config, false, profile.wlan.dhcpChecksAddress);
    // The whole lease table only when the line is logged: building it for every board's lease made
    // a fleet's boot grow with its size (a silent lab's log drops the line).
    if (log.isLevelEnabled("info")) {
      log.info(
        { ip: lease.ip, mac: lease.mac, hostname, leaseSeconds: ap.dhcp.leaseSeconds, expiresAt: this.timeOf(lease.expiresAt), leases: ap.dhcp.table().map((l) => ({ ...l, expiresAt: this.timeOf(l.expiresAt) })) },
        `DHCP lease ${lease.ip} for ${hostname}`,
      );
    }
    this.bindAddress(ap);
    this.scheduleRenewal(ap);
  }

  /** A time on the LAN's clock as the log shows it: an ISO date and time, as a DHCP server's lease table has it. */
  private timeOf(clockMs: number): string {
    return new Date(Date.now() + clockMs - this.opts.clock.now()).toISOString();
  }

  /** Renews at T1 (half the lease), as DHCP clients do; the server extends the same address. */
  private scheduleRenewal(ap: AccessPoint): void {
    this.cancelRenewal?.();
    this.cancelRenewal = this.opts.clock.setTimer((ap.dhcp.leaseSeconds * 1000) / 2, () => {
      const lease = ap.dhcp.lease(formatMac(this.opts.mac), this.dhcpHostname);
      if (lease) this.opts.lan.capture?.dhcp(this.opts.mac, this.dhcpHostname, lease.ip, ap.config, true);
      if (lease) this.opts.log.info({ ip: lease.ip, expiresAt: this.timeOf(lease.expiresAt) }, `DHCP renewed ${lease.ip}`);
      this.scheduleRenewal(ap);
    });
  }

  private bindAddress(ap: AccessPoint): void {
    this.state = "got_ip";
    if (this.opts.host) ap.attach(this.ip!, this.opts.host);
  }

  /** The AP went off the air: the link drops; a retrying board looks for it again. */
  private lostAp(ap: AccessPoint): void {
    if (this.ap !== ap) return;
    this.opts.log.warn({ ssid: ap.ssid }, `WiFi: lost "${ap.ssid}"`);
    const target = this.target;
    this.leave();
    this.target = target;
    if (this.retries()) {
      this.state = "connecting";
      this.attempt();
    } else this.state = "ap_lost";
  }

  private leave(): void {
    this.cancelJoin?.();
    this.cancelJoin = null;
    this.cancelRenewal?.();
    this.cancelRenewal = null;
    this.stopWatchingAp?.();
    this.stopWatchingAp = null;
    this.target = null;
    if (this.state === "got_ip") {
      if (this.opts.host) this.ap?.detach(this.ip!, this.opts.host);
      this.opts.log.info("WiFi disconnected");
    }
    this.state = "idle";
    if (!this.opts.profile.wlan.keepsIpOnDisconnect) this.lease = null;
  }

  /** Runs a step of joining after `ms`; a step that takes no time (the fast profile) happens at once. */
  private schedule(ms: number, step: () => void): void {
    this.cancelJoin?.();
    this.cancelJoin = null;
    if (ms <= 0) return step();
    this.cancelJoin = this.opts.clock.setTimer(ms, () => {
      this.cancelJoin = null;
      step();
    });
  }
}

export function inactiveError(error: ErrnoName | string): Error {
  return /^E[A-Z]+$/.test(error) ? new NetError(error as ErrnoName) : new FirmwareError("OSError", error);
}
