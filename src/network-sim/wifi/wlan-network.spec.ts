import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../test/support/manual-clock.ts";
import { readPcap } from "../../../test/support/pcap.ts";
import { esp32 } from "../../boards/esp32.ts";
import { esp8266 } from "../../boards/esp8266.ts";
import { picoW } from "../../boards/pico_w.ts";
import { Capture } from "../capture/capture.ts";
import type { BoardProfile } from "../../boards/profile.ts";
import { defaultAccessPointConfig, type AccessPointConfig } from "./access-point.ts";
import { Lan, PC_MAC } from "../lan.ts";
import type { LanHost } from "../lan-host.ts";
import { Wlan } from "./wlan.ts";

/** A profile that retries failed joins every 2.45 s, as ESP32 does (board-numbers.md §1c). */
const retrying: BoardProfile = {
  ...picoW,
  wlan: { ...picoW.wlan, timing: { ...picoW.wlan.timing, realistic: { ...picoW.wlan.timing.realistic, retryMs: 2450 } } },
};
const { associateMs, dhcpMs, noApMs } = picoW.wlan.timing.realistic;
const JOIN_MS = associateMs + dhcpMs;

function lanWith(clock: ManualClock, accessPoints?: AccessPointConfig[]) {
  const log = pino({ level: "silent" });
  return new Lan({ clock, log, accessPoints });
}

let macs = 0;
function station(lan: Lan, name: string, profile = picoW) {
  const mac = Uint8Array.of(0x28, 0xcd, 0xc1, 0, 0, ++macs);
  const host: LanHost = { name, mac, linkBuffers: profile.socket, acceptTcp: () => false, receiveUdp: () => {} };
  const wlan = new Wlan({ lan, clock: lan.clock, log: lan.log, profile, timing: profile.wlan.timing.realistic, mac, hostname: () => name, host });
  wlan.setActive(true);
  return { wlan, host };
}

describe("access points as objects", () => {
  it("scan() lists the APs a board hears, strongest first; one out of range or its own AP is not there", () => {
    const clock = new ManualClock();
    const lan = lanWith(clock, [
      defaultAccessPointConfig(),
      defaultAccessPointConfig({ ssid: "far", rssi: -60, rssiByBoard: { a: -93 } }),
      defaultAccessPointConfig({ ssid: "near", rssi: -30, security: "open", channel: 11 }),
      defaultAccessPointConfig({ ssid: "mine", rssi: -20, owner: "a" }),
    ]);
    const a = station(lan, "a");
    const b = station(lan, "b");
    expect(a.wlan.scan().map((r) => [r.ap.ssid, r.rssi])).toEqual([
      ["near", -30],
      ["boardsim-lab", -52],
    ]);
    expect(b.wlan.scan().map((r) => r.ap.ssid)).toEqual(["mine", "near", "boardsim-lab", "far"]);
  });

  it("a board out of an AP's range cannot join it: no AP found", () => {
    const clock = new ManualClock();
    const lan = lanWith(clock, [defaultAccessPointConfig({ rssiByBoard: { weak: -95 } })]);
    const { wlan } = station(lan, "weak");
    wlan.connect("boardsim-lab", "micropython");
    clock.advance(60_000);
    expect(wlan.status()).toBe(picoW.wlan.status.no_ap_found);
  });

  it("an AP that appears later: a retrying board joins it, a Pico W (one scan) does not", () => {
    const clock = new ManualClock();
    const lan = lanWith(clock, []);
    const pico = station(lan, "pico");
    const esp = station(lan, "esp", retrying);
    for (const { wlan } of [pico, esp]) wlan.connect("late", "micropython");
    clock.advance(noApMs);
    expect([pico.wlan.status(), esp.wlan.status()]).toEqual([-2, -2]);
    lan.addAccessPoint(defaultAccessPointConfig({ ssid: "late" }));
    clock.advance(2450 + JOIN_MS);
    expect(esp.wlan.isConnected()).toBe(true);
    expect(esp.wlan.ifconfig()[0]).toBe("192.168.1.100");
    expect(pico.wlan.status()).toBe(-2);
  });

  it("an AP going off the air drops its stations; a retrying board rejoins when it is back (a fresh DHCP server: a new lease)", () => {
    const clock = new ManualClock();
    const lan = lanWith(clock, []);
    let ap = lan.addAccessPoint(defaultAccessPointConfig());
    const pico = station(lan, "pico");
    const esp = station(lan, "esp", retrying);
    for (const { wlan } of [pico, esp]) wlan.connect("boardsim-lab", "micropython");
    clock.advance(JOIN_MS);
    const espIp = esp.wlan.ip;
    expect(ap.hostAt(espIp!)).toBe(esp.host);

    lan.removeAccessPoint(ap);
    expect(pico.wlan.status()).toBe(0);
    expect(pico.wlan.ip).toBeNull();
    expect(esp.wlan.status()).toBe(1);
    clock.advance(noApMs);
    expect(esp.wlan.status()).toBe(-2);

    ap = lan.addAccessPoint(defaultAccessPointConfig());
    ap.dhcp.lease("aa:bb:cc:dd:ee:ff", "someone-else"); // the fresh server hands .100 to another client first
    clock.advance(2450 + JOIN_MS);
    expect(esp.wlan.isConnected()).toBe(true);
    expect(esp.wlan.ip).toBe("192.168.1.101");
    expect(ap.hostAt("192.168.1.101")).toBe(esp.host);
  });
});

describe("DHCP per access point", () => {
  it("renews at half the lease time, keeping the address", () => {
    const clock = new ManualClock();
    const lan = lanWith(clock, [defaultAccessPointConfig({ leaseSeconds: 600 })]);
    const { wlan } = station(lan, "a");
    wlan.connect("boardsim-lab", "micropython");
    clock.advance(JOIN_MS);
    const [first] = lan.leases()["boardsim-lab"]!;
    const grantedUntil = first!.expiresAt;
    clock.advance(300_000);
    const [renewed] = lan.leases()["boardsim-lab"]!;
    expect(renewed).toMatchObject({ ip: "192.168.1.100", hostname: "a" });
    expect(renewed!.expiresAt).toBe(grantedUntil + 300_000);
    clock.advance(3_000_000); // renewals keep it alive well past the first lease's end
    expect(wlan.ip).toBe("192.168.1.100");
    expect(lan.leases()["boardsim-lab"]![0]!.expiresAt).toBeGreaterThan(clock.now());
  });

  it("pool exhaustion: the board stays associated without an address (status 2), and gets one once a lease expires", () => {
    const clock = new ManualClock();
    const lan = lanWith(clock, [defaultAccessPointConfig({ dhcpPool: ["192.168.1.100", "192.168.1.100"], leaseSeconds: 60 })]);
    const a = station(lan, "a");
    const b = station(lan, "b");
    a.wlan.connect("boardsim-lab", "micropython");
    clock.advance(JOIN_MS);
    b.wlan.connect("boardsim-lab", "micropython");
    clock.advance(JOIN_MS + 30_000);
    expect(a.wlan.ip).toBe("192.168.1.100");
    expect(b.wlan.status()).toBe(2);
    expect(b.wlan.ifconfig()[0]).toBe("0.0.0.0");

    a.wlan.setActive(false); // gone without releasing: its lease runs out after 60 s
    clock.advance(120_000); // DISCOVER backoff 2, 4, 8, 16, 32, 60 s
    expect(b.wlan.ip).toBe("192.168.1.100");
    expect(lan.leases()["boardsim-lab"]!.map((l) => l.hostname)).toEqual(["b"]);
  });

  it("same address on reconnect, even when other boards joined in between", () => {
    const clock = new ManualClock();
    const lan = lanWith(clock);
    const a = station(lan, "a");
    a.wlan.connect("boardsim-lab", "micropython");
    clock.advance(JOIN_MS);
    a.wlan.disconnect();
    const b = station(lan, "b");
    b.wlan.connect("boardsim-lab", "micropython");
    clock.advance(JOIN_MS);
    a.wlan.connect("boardsim-lab", "micropython");
    clock.advance(JOIN_MS);
    expect([a.wlan.ip, b.wlan.ip]).toEqual(["192.168.1.100", "192.168.1.101"]);
  });
});

describe("the name a board's DHCP messages carry (option 12)", () => {
  /** The hostname option of each DHCP message the board sent (DISCOVER, REQUEST) in a capture. */
  function sentNames(file: string): string[] {
    return readPcap(file)
      .filter((p) => p.proto === "udp" && p.dstPort === 67)
      .map(({ payload }) => {
        for (let o = 240; payload[o] !== 255; o += 2 + payload[o + 1]!) if (payload[o] === 12) return payload.subarray(o + 2, o + 2 + payload[o + 1]!).toString();
        return "";
      });
  }

  // Renamed while the board associates: cyw43's netif points at network.hostname()'s buffer (each
  // message reads it); the ESP ports' connect() hands the name over (the next connect() sends the new one).
  it.each([
    { profile: picoW, names: ["after", "after", "after", "after", "after"] },
    { profile: esp32, names: ["before", "before", "before", "after", "after"] },
    { profile: esp8266, names: ["before", "before", "before", "after", "after"] },
  ])("$profile.id: DISCOVER, REQUEST, the renewal's REQUEST, then a second connect()'s", ({ profile, names }) => {
    const clock = new ManualClock();
    const lan = lanWith(clock, [defaultAccessPointConfig({ leaseSeconds: 600 })]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), "boardsim-dhcp-")), "dhcp.pcap");
    lan.capture = new Capture(file, lan, () => clock.now(), PC_MAC);
    let name = "before";
    const mac = Uint8Array.of(...profile.macOui, 0, 0, 1);
    const host: LanHost = { name: "a", mac, linkBuffers: profile.socket, acceptTcp: () => false, receiveUdp: () => {} };
    const wlan = new Wlan({ lan, clock, log: lan.log, profile, timing: profile.wlan.timing.realistic, mac, hostname: () => name, host });
    const { associateMs, dhcpMs } = profile.wlan.timing.realistic;
    wlan.setActive(true);
    wlan.connect("boardsim-lab", "micropython");
    name = "after";
    clock.advance(associateMs + dhcpMs + 300_000); // joined, then renewed at half the lease
    wlan.connect("boardsim-lab", "micropython");
    clock.advance(associateMs + dhcpMs);
    lan.capture.close();
    expect(wlan.ip).toBe("192.168.1.100");
    expect(sentNames(file)).toEqual(names);
    expect(lan.leases()["boardsim-lab"]!.map((l) => l.hostname)).toEqual(["after"]); // the router's table has the last name
  });
});

describe("static addresses", () => {
  it("ifconfig((ip, mask, gw, dns)) skips DHCP: the board is reachable at that address once associated", () => {
    const clock = new ManualClock();
    const lan = lanWith(clock);
    const { wlan, host } = station(lan, "a");
    wlan.setStatic(["192.168.1.50", "255.255.255.0", "192.168.1.1", "8.8.8.8"]);
    expect(wlan.ifconfig()).toEqual(["192.168.1.50", "255.255.255.0", "192.168.1.1", "8.8.8.8"]);
    wlan.connect("boardsim-lab", "micropython");
    clock.advance(associateMs);
    expect(wlan.isConnected()).toBe(true);
    expect(lan.accessPoints[0]!.hostAt("192.168.1.50")).toBe(host);
    expect(lan.leases()["boardsim-lab"]).toEqual([]);
  });
});
