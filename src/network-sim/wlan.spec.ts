import pino from "pino";
import { describe, expect, it } from "vitest";
import { picoW } from "../boards/pico_w.ts";
import { ManualClock } from "../../test/support/manual-clock.ts";
import { Lan } from "./lan.ts";
import { Wlan } from "./wlan.ts";

function picoStation(mac = Uint8Array.of(0x28, 0xcd, 0xc1, 1, 2, 3), clock = new ManualClock(), lan?: Lan) {
  const log = pino({ level: "silent" });
  lan ??= new Lan({ clock, log });
  const wlan = new Wlan({ lan, clock, log, profile: picoW, timing: picoW.wlan.timing.realistic, mac, hostname: "PicoW" });
  return { wlan, clock, lan };
}

describe("joining the embedded network (Pico W)", () => {
  it("goes idle → connecting → no IP → got IP on the realistic timing", () => {
    const { wlan, clock } = picoStation();
    const { associateMs, dhcpMs } = picoW.wlan.timing.realistic;
    expect(wlan.ifconfig()).toEqual(["0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0"]);
    wlan.setActive(true);
    expect(wlan.status()).toBe(0);
    expect(wlan.ifconfig()).toEqual(["0.0.0.0", "255.255.255.0", "192.168.0.1", "8.8.8.8"]);
    wlan.connect("boardsim-lab", "micropython");
    expect(wlan.status()).toBe(1);
    clock.advance(associateMs - 1);
    expect(wlan.status()).toBe(1);
    clock.advance(1);
    expect(wlan.status()).toBe(2);
    expect(wlan.ifconfig()[0]).toBe("0.0.0.0");
    clock.advance(dhcpMs);
    expect(wlan.status()).toBe(3);
    expect(wlan.isConnected()).toBe(true);
    expect(wlan.ifconfig()).toEqual(["192.168.1.100", "255.255.255.0", "192.168.1.1", "192.168.1.1"]);
  });

  it("reports a wrong password as -3 and a missing network as -2, never getting an address", () => {
    const wrong = picoStation();
    wrong.wlan.setActive(true);
    wrong.wlan.connect("boardsim-lab", "not-the-key");
    wrong.clock.advance(60_000);
    expect(wrong.wlan.status()).toBe(-3);
    expect(wrong.wlan.ifconfig()[0]).toBe("0.0.0.0");

    const missing = picoStation();
    missing.wlan.setActive(true);
    missing.wlan.connect("no-such-net", "micropython");
    missing.clock.advance(60_000);
    expect(missing.wlan.status()).toBe(-2);
  });

  it("refuses connect() on an inactive interface with EPERM", () => {
    const { wlan } = picoStation();
    expect(() => wlan.connect("boardsim-lab", "micropython")).toThrow(expect.objectContaining({ code: "EPERM" }));
  });

  it("keeps the old address in ifconfig() after disconnect(), as lwIP does on the Pico W", () => {
    const { wlan, clock } = picoStation();
    wlan.setActive(true);
    wlan.connect("boardsim-lab", "micropython");
    clock.advance(10_000);
    wlan.disconnect();
    expect(wlan.status()).toBe(0);
    expect(wlan.isConnected()).toBe(false);
    expect(wlan.ifconfig()[0]).toBe("192.168.1.100");
    expect(wlan.ip).toBeNull();
  });

  it("gives each board its own address, and the same one again when it rejoins", () => {
    const clock = new ManualClock();
    const a = picoStation(Uint8Array.of(0x28, 0xcd, 0xc1, 0, 0, 1), clock);
    const b = picoStation(Uint8Array.of(0x28, 0xcd, 0xc1, 0, 0, 2), clock, a.lan);
    for (const { wlan } of [a, b]) {
      wlan.setActive(true);
      wlan.connect("boardsim-lab", "micropython");
    }
    clock.advance(10_000);
    expect([a.wlan.ifconfig()[0], b.wlan.ifconfig()[0]]).toEqual(["192.168.1.100", "192.168.1.101"]);
    a.wlan.setActive(false);
    a.wlan.setActive(true);
    a.wlan.connect("boardsim-lab", "micropython");
    clock.advance(10_000);
    expect(a.wlan.ifconfig()[0]).toBe("192.168.1.100");
  });
});
