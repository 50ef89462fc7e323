import pino from "pino";
import { describe, expect, it } from "vitest";
import { BOARDS } from "../../boards/index.ts";
import { picoW } from "../../boards/pico_w.ts";
import { defaultAccessPointConfig } from "./access-point.ts";
import { ManualClock } from "../../../test/support/manual-clock.ts";
import { Lan } from "../lan.ts";
import { Wlan } from "./wlan.ts";

function picoStation(mac = Uint8Array.of(0x28, 0xcd, 0xc1, 1, 2, 3), clock = new ManualClock(), lan?: Lan) {
  const log = pino({ level: "silent" });
  lan ??= new Lan({ clock, log });
  const wlan = new Wlan({ lan, clock, log, profile: picoW, timing: picoW.wlan.timing.realistic, mac, hostname: () => "PicoW" });
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

/** status() each time it changes while joining, sampled every 50 ms for 20 s of realistic timing. */
function statusSequence(boardId: string, ssid: string, key: string, lan?: (lan: Lan) => void): number[] {
  const profile = BOARDS[boardId]!;
  const clock = new ManualClock();
  const log = pino({ level: "silent" });
  const network = new Lan({ clock, log });
  const wlan = new Wlan({ lan: network, clock, log, profile, timing: profile.wlan.timing.realistic, mac: Uint8Array.of(...profile.macOui, 1, 2, 3), hostname: () => profile.hostname });
  wlan.setActive(true);
  wlan.connect(ssid, key);
  const seen = [wlan.status()];
  for (let t = 0; t < 20_000; t += 50) {
    if (t === 10_000) lan?.(network);
    clock.advance(50);
    if (wlan.status() !== seen[seen.length - 1]) seen.push(wlan.status());
  }
  return seen;
}

describe.each([
  // Expected codes per micropython-facts.md §1.2 and board-numbers.md §1a/1c.
  { board: "pico_w", success: [1, 2, 3], wrongPassword: [1, -3], missingAp: [1, -2] },
  { board: "esp32", success: [1001, 1010], wrongPassword: [1001, 202], missingAp: [1001, 201] },
  { board: "esp8266", success: [1, 5], wrongPassword: [1, 4], missingAp: [1, 3] },
  // labplus firmware predates v1.22: STAT_CONNECTING while a connect is requested, whatever failed.
  { board: "mpython", success: [1001, 1010], wrongPassword: [1001], missingAp: [1001] },
])("status() while joining on $board", ({ board, success, wrongPassword, missingAp }) => {
  it("success, wrong password, missing AP", () => {
    expect(statusSequence(board, "boardsim-lab", "micropython")).toEqual(success);
    expect(statusSequence(board, "boardsim-lab", "wrong-key")).toEqual(wrongPassword);
    expect(statusSequence(board, "late-net", "micropython")).toEqual(missingAp);
  });
});

describe.each([
  // micropython-facts.md §2.
  ["pico_w", ["0.0.0.0", "255.255.255.0", "192.168.0.1", "8.8.8.8"]],
  ["esp32", ["0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0"]],
  ["esp8266", ["0.0.0.0", "0.0.0.0", "0.0.0.0", "208.67.222.222"]],
])("ifconfig() on %s once active, before DHCP", (board, expected) => {
  it("is the firmware's placeholder tuple", () => {
    const profile = BOARDS[board]!;
    const clock = new ManualClock();
    const log = pino({ level: "silent" });
    const wlan = new Wlan({ lan: new Lan({ clock, log }), clock, log, profile, timing: profile.wlan.timing.realistic, mac: Uint8Array.of(...profile.macOui, 1, 2, 3), hostname: () => profile.hostname });
    wlan.setActive(true);
    wlan.connect("boardsim-lab", "micropython");
    expect(wlan.ifconfig()).toEqual(expected);
  });
});

describe("after a failed join", () => {
  const appears = (lan: Lan) => lan.addAccessPoint(defaultAccessPointConfig({ ssid: "late-net" }));

  it("ESP32 and ESP8266 keep retrying and join a network that comes up later", () => {
    expect(statusSequence("esp32", "late-net", "micropython", appears)).toEqual([1001, 201, 1001, 1010]);
    expect(statusSequence("esp8266", "late-net", "micropython", appears)).toEqual([1, 3, 1, 5]);
  });

  it("the Pico W gives up after one scan", () => {
    expect(statusSequence("pico_w", "late-net", "micropython", appears)).toEqual([1, -2]);
  });
});
