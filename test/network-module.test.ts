// The network module's own functions as each port's v1.23.0 table has them (extmod/modnetwork.c
// lines 109-158): hostname(), country(), route(), and WLAN.config()'s keys for the same name.
import { describe, expect, it } from "vitest";
import { runScript, startScript } from "./support/run-script.ts";

const SHOW = `import network, sys
def show(f, *args, **kwargs):
    try:
        print(repr(f(*args, **kwargs)))
    except Exception as e:
        print(type(e).__name__, *e.args)
sta, ap = network.WLAN(network.STA_IF), network.WLAN(network.AP_IF)
`;

// The same name through network.hostname() and WLAN.config() on either interface (extmod/network_cyw43.c:435-437,
// 511-513; ports/esp32/network_wlan.c:570-573, 672-677 and ports/esp8266's 402-405, 477-481 need the station to
// query it: OSError 'STA required'); mPython's labplus firmware predates hostname(): config('dhcp_hostname') only.
const V123 = (name: string) => [
  `'${name}'`, // the port's MICROPY_PY_NETWORK_HOSTNAME_DEFAULT
  "ValueError", // longer than MICROPY_PY_NETWORK_HOSTNAME_MAX_LEN (32): mp_raise_ValueError(NULL)
  "TypeError can't convert 'int' object to str implicitly",
  "TypeError function expected at most 1 arguments, got 2",
  "TypeError function doesn't take keyword arguments",
  "None",
  "'lab-07'", // bytes taken as they are, read back as a C string (strlen)
  "None",
  "'lab-08'",
  "'XX'", // extmod/modnetwork.c:53
  "ValueError", // not 2 characters
  "None",
  "'GB'",
];
const UNKNOWN = "ValueError unknown config param";
const SET_CYW43 = ["None", "'lab-09'", UNKNOWN, UNKNOWN];
const SET_ESP = ["None", "'lab-09'", "None", "'lab-09'"];

describe("network.hostname(), country(), route() and WLAN.config('hostname')", () => {
  it.each([
    ["pico_w", "country hostname ipconfig route", ["'PicoW'", UNKNOWN, ...V123("PicoW"), "'lab-08'", ...SET_CYW43, "[] True", "True GB"]],
    ["esp32", "country hostname", ["'mpy-esp32'", "'mpy-esp32'", ...V123("mpy-esp32"), "OSError STA required", ...SET_ESP]],
    ["esp8266", "country hostname", ["'mpy-esp8266'", "'mpy-esp8266'", ...V123("mpy-esp8266"), "OSError STA required", ...SET_ESP]],
    ["mpython", "", [UNKNOWN, "'espressif'", UNKNOWN, UNKNOWN, "None", "'lab-09'"]],
  ])("%s: dir(network) lists the port's functions; what they return and raise", async (board, functions, lines) => {
    const { output } = await runScript(
      `${SHOW}print(" ".join(n for n in sorted(dir(network)) if n.islower() and n[0] != "_"))
for key in ("hostname", "dhcp_hostname"):
    show(sta.config, key)
if hasattr(network, "hostname"):
    show(network.hostname)
    show(network.hostname, "x" * 33)
    show(network.hostname, 5)
    show(network.hostname, "a", "b")
    show(network.country, code="GB")
    show(network.hostname, b"lab-07\\x00x")
    show(network.hostname)
    show(sta.config, hostname="lab-08")
    show(network.hostname)
    show(network.country)
    show(network.country, "GBR")
    show(network.country, "GB")
    show(network.country)
    show(ap.config, "hostname")
for key in ("hostname", "dhcp_hostname"):
    show(sta.config, **{key: "lab-09"})
    show(sta.config, key)
if hasattr(network, "route"):
    print(network.route(), network.route() is network.route())
if sys.platform == "rp2":
    import rp2
    print(rp2.country is network.country, rp2.country())
`,
      board,
      "main.py",
    );
    expect(output.split("\n").slice(0, -1)).toEqual([functions, ...lines]);
  });

  it.each([
    ["pico_w", "network.hostname('lab-07')\nsta = network.WLAN(network.STA_IF)\nsta.active(True)", "hostname"],
    ["esp32", "network.hostname('lab-07')\nsta = network.WLAN(network.STA_IF)\nsta.active(True)", "hostname"],
    ["esp8266", "sta = network.WLAN(network.STA_IF)\nsta.config(dhcp_hostname='lab-07')\nsta.active(True)", "dhcp_hostname"],
    ["mpython", "sta = network.WLAN(network.STA_IF)\nsta.active(True)\nsta.config(dhcp_hostname='lab-07')", "dhcp_hostname"],
  ])("%s: a name set before connect() is the one the board's DHCP sends", async (board, naming, key) => {
    const run = await startScript(
      `import network, time
${naming}
sta.connect("boardsim-lab", "micropython")
while not sta.isconnected():
    time.sleep_ms(10)
print(sta.config("${key}"))
`,
      board,
      "main.py",
    );
    await run.done;
    const lease = run.logs().find((line) => line.msg.startsWith("DHCP lease "));
    expect([lease?.msg, lease?.hostname, run.output().split("\n").at(-2)]).toEqual(["DHCP lease 192.168.1.100 for lab-07", "lab-07", "lab-07"]);
  });
});

// WLAN.config()'s AP keys and ipconfig() as each port's v1.23.0 has them: the ESP ports' station refuses the AP's
// keys (ports/esp32/network_wlan.c:520-549, 606-609; ports/esp8266's 366-400, 426-430: channel too) with
// `OSError: AP required`; cyw43 sets the AP's from either interface (extmod/network_cyw43.c:458-494, no authmode);
// only cyw43's WLAN has ipconfig (network_cyw43.c:541; ports/esp32 network_wlan.c:722-730, esp8266's 508-516).
describe("WLAN.config() keys and WLAN.ipconfig() per port", () => {
  const AP_REQUIRED = "OSError AP required";
  const NO_IPCONFIG = "AttributeError 'WLAN' object has no attribute 'ipconfig'";
  // str or bytes, as mp_obj_str_get_data takes them (py/objstr.c:2381; else 2345's TypeError)
  const BYTES_NAME = ["None", "TypeError can't convert 'bytearray' object to str implicitly"];
  it.each([
    ["pico_w", [...BYTES_NAME, "None", "'lab-10'", "None", "None", UNKNOWN, "True", "None", "None", "None", "'ap-set'", "7", "True", "True"]],
    ["esp32", [...BYTES_NAME, "None", "'lab-10'", AP_REQUIRED, AP_REQUIRED, AP_REQUIRED, "False", "None", "None", "None", "'ap-set'", "7", NO_IPCONFIG, "False"]],
    ["esp8266", [...BYTES_NAME, "None", "'lab-10'", AP_REQUIRED, AP_REQUIRED, AP_REQUIRED, "False", AP_REQUIRED, "None", "None", "'ap-set'", "7", NO_IPCONFIG, "False"]],
    ["mpython", [...BYTES_NAME, "None", "'lab-10'", AP_REQUIRED, AP_REQUIRED, AP_REQUIRED, "False", "None", "None", "None", "'ap-set'", "7", NO_IPCONFIG, "False"]],
  ])("%s: bytes names, the AP's keys on the station, ipconfig", async (board, lines) => {
    const { output } = await runScript(
      `${SHOW}key = "hostname" if hasattr(network, "hostname") else "dhcp_hostname"
show(sta.config, **{key: b"lab-\\xff"})
show(sta.config, **{key: bytearray(b"lab-10")})
show(sta.config, **{key: b"lab-10"})
show(sta.config, key)
show(sta.config, essid="sta-set")
show(sta.config, password="micropython")
show(sta.config, authmode=3)
print(ap.config("essid") == "sta-set")
show(sta.config, channel=5)
show(ap.config, channel=7)
show(ap.config, essid=b"ap-set")
show(ap.config, "essid")
show(ap.config, "channel")
show(lambda: sta.ipconfig("addr4") == sta.ifconfig()[:2])
print(hasattr(ap, "ipconfig"))
`,
      board,
      "main.py",
    );
    expect(output.split("\n").slice(0, -1)).toEqual(lines);
  });
});

describe("the same functions from a TS script (the host's calls)", () => {
  it.each([
    ["pico_w", "PicoW XX\nts-07 GB\nValueError()\n"],
    ["esp8266", "mpy-esp8266 XX\nts-07 GB\nValueError()\n"],
    ["mpython", "False False\n"],
  ])("%s: network.hostname() and country() where the port has them", async (board, printed) => {
    const { output } = await runScript(
      `import network from "network";
if ("hostname" in network && "country" in network) {
  print(network.hostname!(), network.country!());
  network.hostname!("ts-07");
  network.country!("GB");
  print(network.hostname!(), network.country!());
  try {
    network.hostname!("x".repeat(33));
  } catch (e) {
    print(repr(e));
  }
} else print("hostname" in network, "country" in network);
`,
      board,
    );
    expect(output).toBe(printed);
  });

  it.each([
    ["pico_w", "True True\n"],
    ["esp32", "False False\n"],
    ["esp8266", "False False\n"],
    ["mpython", "False False\n"],
  ])("%s: network.ipconfig and WLAN.ipconfig on the Pico W only", async (board, printed) => {
    const { output } = await runScript(`import network from "network";\nprint("ipconfig" in network, "ipconfig" in network.WLAN(network.STA_IF));\n`, board);
    expect(output).toBe(printed);
  });
});
