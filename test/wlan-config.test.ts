/**
 * WLAN.config() as each port's v1.23.0 reads its keys (src/boards/wlan-config.ts): which keys it
 * queries and sets, on which interface, its TypeError texts, and what the AP's keys do to other
 * boards: `hidden` leaves it out of their scans, `max_clients` refuses the next station, ESP32's
 * `reconnects` stops a station's retries.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { Lab } from "boardsim/vitest";
import { runScript } from "./support/run-script.ts";

/** Queries keys on both interfaces, sets some on the AP and reads them back: `label value` or `label Error text` per line. */
const SCRIPT = `import network
sta, ap = network.WLAN(network.STA_IF), network.WLAN(network.AP_IF)
sta.active(True)
def show(label, f, *args, **kwargs):
    try:
        r = f(*args, **kwargs)
        if r is not None:
            print(label, repr(r))
    except Exception as e:
        print(label, type(e).__name__, *e.args)
for name, w in (("sta", sta), ("ap", ap)):
    for k in ("authmode", "security", "hidden", "max_clients", "txpower", "pm", "protocol", "ifname", "reconnects", "antenna", "channel"):
        show(name + " " + k, w.config, k)
for k, v in (("max_clients", 2), ("hidden", True), ("authmode", 3), ("security", 3), ("txpower", 8.5), ("pm", 0), ("protocol", 3)):
    show("set " + k, ap.config, **{k: v})
    show(k, ap.config, k)
show("set reconnects", sta.config, reconnects=5)
show("reconnects", sta.config, "reconnects")
show("set mac", ap.config, mac=b"12345")
show("set mac", ap.config, mac=b"\\x02\\x00\\x00\\x00\\x00\\x07")
show("mac", lambda: ap.config("mac") == b"\\x02\\x00\\x00\\x00\\x00\\x07")
show("none", ap.config)
show("two", ap.config, "a", "b")
show("int", ap.config, 3)
show("mixed", ap.config, "essid", essid="x")
`;

describe("WLAN.config() keys per port", () => {
  it.each([
    [
      // ports/esp32/network_wlan.c:510-702: the AP's keys need AP_IF, reconnects STA_IF, checked after each value; txpower a float
      "esp32",
      `sta authmode OSError AP required
sta security OSError AP required
sta hidden OSError AP required
sta max_clients 4
sta txpower 20.0
sta pm 1
sta protocol 7
sta ifname 'st1'
sta reconnects -1
sta antenna ValueError unknown config param
sta channel 0
ap authmode 0
ap security 0
ap hidden False
ap max_clients 4
ap txpower 20.0
ap pm 1
ap protocol 7
ap ifname 'ap2'
ap reconnects OSError STA required
ap antenna ValueError unknown config param
ap channel 1
max_clients 2
hidden True
authmode 3
security 3
txpower 8.5
pm 0
protocol 3
reconnects 5
set mac ValueError invalid buffer length
mac True
none TypeError can query only one param
two TypeError can query only one param
int TypeError can't convert 'int' object to str implicitly
mixed TypeError either pos or kw args are allowed`,
    ],
    [
      // ports/esp8266/network_wlan.c:333-504: no max_clients, reconnects or ifname; txpower set only; channel on AP_IF only
      "esp8266",
      `sta authmode OSError AP required
sta security OSError AP required
sta hidden OSError AP required
sta max_clients ValueError unknown config param
sta txpower ValueError unknown config param
sta pm 2
sta protocol 3
sta ifname ValueError unknown config param
sta reconnects ValueError unknown config param
sta antenna ValueError unknown config param
sta channel OSError AP required
ap authmode 4
ap security 4
ap hidden False
ap max_clients ValueError unknown config param
ap txpower ValueError unknown config param
ap pm 2
ap protocol 3
ap ifname ValueError unknown config param
ap reconnects ValueError unknown config param
ap antenna ValueError unknown config param
ap channel 1
set max_clients ValueError unknown config param
max_clients ValueError unknown config param
hidden True
authmode 3
security 3
txpower ValueError unknown config param
pm 0
protocol 3
set reconnects ValueError unknown config param
reconnects ValueError unknown config param
set mac ValueError invalid buffer length
mac True
none TypeError can query only one param
two TypeError can query only one param
int TypeError can't convert 'int' object to str implicitly
mixed TypeError either pos or kw args are allowed`,
    ],
    [
      // extmod/network_cyw43.c:383-522: either interface; no authmode, hidden, max_clients, protocol or mac setting; txpower an int
      "pico_w",
      `sta authmode ValueError unknown config param
sta security 4194308
sta hidden ValueError unknown config param
sta max_clients ValueError unknown config param
sta txpower 31
sta pm 10555714
sta protocol ValueError unknown config param
sta ifname ValueError unknown config param
sta reconnects ValueError unknown config param
sta antenna 0
sta channel 0
ap authmode ValueError unknown config param
ap security 4194308
ap hidden ValueError unknown config param
ap max_clients ValueError unknown config param
ap txpower 31
ap pm 10555714
ap protocol ValueError unknown config param
ap ifname ValueError unknown config param
ap reconnects ValueError unknown config param
ap antenna 0
ap channel 3
set max_clients ValueError unknown config param
max_clients ValueError unknown config param
set hidden ValueError unknown config param
hidden ValueError unknown config param
set authmode ValueError unknown config param
authmode ValueError unknown config param
security 3
set txpower TypeError can't convert float to int
txpower 31
pm 0
set protocol ValueError unknown config param
protocol ValueError unknown config param
set reconnects ValueError unknown config param
reconnects ValueError unknown config param
set mac ValueError unknown config param
set mac ValueError unknown config param
mac False
none TypeError must query one param
two TypeError must query one param
int TypeError can't convert 'int' object to str implicitly
mixed TypeError can't specify pos and kw args`,
    ],
  ])("%s", async (board, expected) => {
    const { output } = await runScript(SCRIPT, board, "main.py");
    expect(output).toBe(`${expected}\n`);
  });
});

/** An ESP32 .py board `name` with its station active, running `body`. */
function station(lab: Lab, name: string, body: string) {
  return lab.addBoard({ name, board: "esp32", fileName: `${name}.py`, source: `import network, time\nsta = network.WLAN(network.STA_IF)\nsta.active(True)\n${body}` });
}

/** A new Lab (closed when the test ends) with an ESP32 .py board "ap" running `body` after `ap = network.WLAN(network.AP_IF)`. */
async function accessPoint(body: string) {
  const lab = new Lab({ timing: "fast" });
  onTestFinished(() => lab.close());
  const ap = await lab.addBoard({ name: "ap", board: "esp32", fileName: "ap.py", source: `import network, time\nap = network.WLAN(network.AP_IF)\n${body}` });
  return { lab, ap };
}

describe("what the AP's keys do to other boards (simulated time)", () => {
  it("hidden=True: left out of scan(), joined by name; max_clients=1: a second station waits until the first leaves", async () => {
    const { lab, ap } = await accessPoint(`ap.config(essid="quiet", hidden=True, max_clients=1)\nap.active(True)\nprint("ap up")\ntime.sleep(30)\n`);
    await ap.waitFor("ap up\n");
    const one = await station(lab, "one", `print(sorted(ap[0] for ap in sta.scan()))
sta.connect("quiet", "")
while not sta.isconnected():
    time.sleep_ms(100)
print("joined", sta.ifconfig()[0])
time.sleep(2)
sta.disconnect()
print("left")
`);
    await one.waitFor(/^joined/m);
    const two = await station(lab, "two", `sta.connect("quiet", "")
time.sleep(1)
print(sta.isconnected(), sta.status())
while not sta.isconnected():
    time.sleep_ms(100)
print("joined", sta.ifconfig()[0])
`);
    await two.finished();
    await one.finished();
    expect(one.lines().slice(2)).toEqual(["[b'boardsim-lab']", "joined 192.168.4.2", "left"]);
    // ESP32's status() while its driver retries: STAT_CONNECTING (network_wlan.c:384-387)
    expect(two.lines().slice(2)).toEqual(["False 1001", "joined 192.168.4.3"]);
  });

  it("ESP32 reconnects=2: the station stops trying before the AP comes up; without it, it joins", async () => {
    const { lab } = await accessPoint(`ap.config(essid="late")\ntime.sleep(1)\nap.active(True)\ntime.sleep(10)\n`);
    const patient = await station(lab, "patient", `sta.connect("late", "")\ntime.sleep(3)\nprint(sta.isconnected(), sta.status())\n`);
    const brief = await station(lab, "brief", `sta.config(reconnects=2)\nsta.connect("late", "")\ntime.sleep(3)\nprint(sta.isconnected(), sta.status())\n`);
    await patient.finished();
    await brief.finished();
    expect(patient.lines().slice(2)).toEqual(["True 1010"]);
    // the disconnect handler gives up (network_wlan.c:149-154); status() then shows the last reason, NO_AP_FOUND
    expect(brief.lines().slice(2)).toEqual(["False 201"]);
  });

  it("ESP32: once the AP vanishes, reconnects=0 reads BEACON_TIMEOUT (200); reconnects=1 tries once more and reads NO_AP_FOUND", async () => {
    // off the air once both stations have joined
    const { lab } = await accessPoint(`ap.config(essid="brief")\nap.active(True)\nwhile len(ap.status("stations")) < 2:\n    time.sleep_ms(50)\nap.active(False)\ntime.sleep(10)\n`);
    const watch = (n: number) =>
      `sta.connect("brief", "")\nwhile not sta.isconnected():\n    time.sleep_ms(50)\nsta.config(reconnects=${n})\ntime.sleep(6)\nprint(sta.isconnected(), sta.status())\n`;
    const none = await station(lab, "none", watch(0));
    const once = await station(lab, "once", watch(1));
    await none.finished();
    await once.finished();
    // network_wlan.c: config(reconnects=n) keeps n + 1 (:586); the disconnect handler stops at that count
    // (:149-154) and status() passes its reason through (:392-394): the lost AP's BEACON_TIMEOUT (:108-110),
    // or NO_AP_FOUND from the attempt after it
    expect(none.lines().slice(2)).toEqual(["False 200"]);
    expect(once.lines().slice(2)).toEqual(["False 201"]);
  });
});
