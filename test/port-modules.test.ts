/**
 * Issue 12, items 5-8: the port modules as each board's MicroPython v1.23.0 firmware has them,
 * from .py scripts through the testing API. Expected values cite the firmware source (paths
 * relative to the micropython repository at tag v1.23.0) or say how they are derived.
 */
import { readFileSync } from "node:fs";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { Lab, type LabBoard } from "../src/testing/index.ts";

/** Runs `source` as main.py on a fresh `board` in a lab; the board, once its script has ended. */
async function run(board: string, source: string, lab = new Lab({ timing: "fast" })): Promise<LabBoard> {
  const b = await lab.addBoard({ name: "b", board, fileName: "main.py", source });
  await b.finished();
  return b;
}

/** The script's output, without the banner. */
async function printed(board: string, source: string): Promise<string[]> {
  return (await run(board, source)).lines().slice(2);
}

const BOARDS = ["pico_w", "esp32", "esp8266"] as const;

/** An ESP32 script's output (main.py or main.ts) with GPIO34 reading 40000 and GPIO35 65535 (read_u16 scale). */
async function esp32AdcLines(fileName: string, source: string): Promise<string[]> {
  const lab = new Lab({ timing: "fast" });
  const b = await lab.addBoard({ name: "b", board: "esp32", fileName, source });
  b.setAdc(34, 40000);
  b.setAdc(35, 65535);
  await b.finished();
  return b.lines().slice(2);
}

/** What the .py and TS scripts of read_uv() and ADCBlock print first (see those tests). */
const ESP32_ADC_LINES = [
  "2500 40009 663000",
  "ADCBlock(0, bits=10) 625 40039 2156000 True ADCBlock(1, bits=12)",
  "65535 3133000", // 1023 at 10 bits, 4092 at 12: the table between 4032 and 4096
  "ADCBlock(0, bits=12) ADC(Pin(34), atten=3) ADC(Pin(39), atten=0) ADC(Pin(35), atten=2)",
];

describe("sys and os as the board (item 6)", () => {
  // MICROPY_PY_OS_URANDOM on all three (rp2 mpconfigport.h:111, esp32 :114, esp8266 :107; extmod/modos.c:168-170):
  // os.urandom(n), n bytes of the hardware generator (ports/rp2/modos.c:31-40, esp32 :39-53, esp8266 :38-47).
  it.each(BOARDS)("%s: os.urandom(n) gives n random bytes", async (board) => {
    expect(await printed(board, `import os\na = os.urandom(16)\nprint(type(a), len(a), a != os.urandom(16), os.urandom(0), "urandom" in dir(os))\n`)).toEqual([
      "<class 'bytes'> 16 True b'' True",
    ]);
  });

  // os.dupterm (MICROPY_PY_OS_DUPTERM: rp2 mpconfigport.h:106 and esp32 :110 one slot, esp8266 :101 two;
  // extmod/modos.c:187-189, extmod/os_dupterm.c:215-242): the previous stream (None at first), the
  // console's output written to the stream too, "\n" as "\r\n" (mp_hal_stdout_tx_strn_cooked,
  // os_dupterm.c:176-213), a bad index ValueError (:221-223), an object without the stream
  // protocol OSError (:232, py/stream.c:97-109), one or two positional arguments (py/argcheck.c),
  // a write() that raises deactivates the slot with its message and traceback and closes the
  // stream (:41-59, 197-209: ioctl MP_STREAM_CLOSE 4 of a class on IOBase, py/modio.c). Was: no os.dupterm.
  it.each([
    ["pico_w", 1],
    ["esp32", 1],
    ["esp8266", 2],
  ])("%s: os.dupterm(stream[, index]) duplicates the console's output to the stream and returns the previous one", async (board, slots) => {
    const lines = await printed(
      board,
      `import io, os
class Log(io.IOBase):
    def __init__(self):
        self.data = bytearray()
    def write(self, buf):
        self.data += buf
        return len(buf)
    def readinto(self, buf):
        return None
    def ioctl(self, req, arg):
        return 0
log = Log()
first = os.dupterm(log)
print("hello")
n = 0
while not log.data and n < 1000:  # the stream has it before the script's next call (here at the VM's next branch)
    n += 1
early = bytes(log.data)
for i in range(2):
    print(i)
back = os.dupterm(None)
print(first, back is log, early, bytes(log.data))
for args in ((log, ${slots}), (log, -1), (log, "1"), (b"x",), (), (log, 0, 0)):
    try:
        os.dupterm(*args)
    except Exception as e:
        print(type(e).__name__, e)
print(os.dupterm(log, ${slots - 1}), os.dupterm(None, ${slots - 1}) is log)
class Broken(io.IOBase):
    def write(self, buf):
        raise ValueError("boom")
    def ioctl(self, req, arg):
        print("ioctl", req, arg)
        return 0
os.dupterm(Broken())
print("x")
print(os.dupterm(None))
`,
    );
    expect(lines).toEqual([
      "hello",
      "0",
      "1",
      "None True b'hello\\r\\n' b'hello\\r\\n0\\r\\n1\\r\\n'",
      "ValueError invalid dupterm index",
      "ValueError invalid dupterm index",
      "TypeError can't convert str to int",
      "OSError stream operation not supported",
      "TypeError function missing 1 required positional arguments",
      "TypeError function expected at most 2 arguments, got 3",
      "None True",
      "x",
      "dupterm: Exception in write() method, deactivating: Traceback (most recent call last):",
      '  File "main.py", line 31, in write',
      "ValueError: boom",
      "ioctl 4 0",
      "None",
    ]);
  });

  // help(module) walks the module's dict map in its stored order (py/builtinhelp.c:124-156); a C
  // module's is its ROM table (MP_DEFINE_CONST_DICT, ordered): extmod/modtime.c:199-226,
  // extmod/modselect.c:655-665 (no MICROPY_PY_SELECT_SELECT on these ports' extra level: select
  // there), extmod/modlwip.c:1824-1855 / ports/esp32/modsocket.c:989-1009 (less the names boardsim
  // has not: reset, callback, print_pcbs, __init__). Lines "  name -- value" (:46-52). Was: hash order.
  it.each(BOARDS)("%s: help(time), help(select), help(socket), help(machine) list the module's table in its order", async (board) => {
    const lines = await printed(board, `import time, select, socket, machine\nfor m in (time, select, socket, machine):\n    help(m)\n`);
    const names = (from: number, module: string) => {
      const at = lines.indexOf(`object <module '${module}'> is of type module`, from);
      const end = lines.findIndex((line, i) => i > at && line.startsWith("object "));
      return lines.slice(at + 1, end < 0 ? undefined : end).map((line) => line.split(" -- ")[0]!.trim());
    };
    expect(names(0, "time")).toEqual(["__name__", "gmtime", "localtime", "mktime", "time", "time_ns", "sleep", "sleep_ms", "sleep_us", "ticks_ms", "ticks_us", "ticks_cpu", "ticks_add", "ticks_diff"]);
    expect(names(0, "select")).toEqual(["__name__", "select", "poll", "POLLIN", "POLLOUT", "POLLERR", "POLLHUP"]);
    expect(names(0, board === "esp32" ? "socket" : "lwip")).toEqual(
      board === "esp32"
        ? ["__name__", "socket", "getaddrinfo", "AF_INET", "AF_INET6", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_IP", "SOL_SOCKET", "SO_REUSEADDR", "SO_BROADCAST", "SO_BINDTODEVICE", "IP_ADD_MEMBERSHIP", "TCP_NODELAY"]
        : ["__name__", "getaddrinfo", "socket", "AF_INET", "AF_INET6", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOL_SOCKET", "SO_REUSEADDR", "SO_BROADCAST", "IPPROTO_IP", "IP_ADD_MEMBERSHIP", "IP_DROP_MEMBERSHIP", "IPPROTO_TCP", "TCP_NODELAY"],
    );
    // extmod/modmachine.c:144-246, then the port's MICROPY_PY_MACHINE_EXTRA_GLOBALS: ports/rp2/modmachine.c:50-56,
    // ports/esp32/modmachine.c:54-81, ports/esp8266/modmachine.c:43-60 (PWM in both parts: listed twice).
    const functions = ["__name__", "unique_id", "soft_reset", ...(board === "pico_w" ? ["bootloader"] : []), "reset", "reset_cause", "idle", "freq", "lightsleep", "deepsleep", "disable_irq", "enable_irq", "bitstream", "dht_readinto", "ADC", ...(board === "esp32" ? ["ADCBlock"] : []), "PWM"];
    expect(names(0, "machine")).toEqual(
      {
        pico_w: [...functions, "Pin", "RTC", "Timer", "PWRON_RESET", "WDT_RESET"],
        esp32: [...functions, "Timer", "Pin", "TouchPad", "RTC", "HARD_RESET", "PWRON_RESET", "WDT_RESET", "DEEPSLEEP_RESET", "SOFT_RESET"],
        esp8266: [...functions, "RTC", "Timer", "Pin", "PWM", "PWRON_RESET", "HARD_RESET", "DEEPSLEEP_RESET", "WDT_RESET", "SOFT_RESET"],
      }[board],
    );
    expect(lines).toContain("  time -- <function>");
    expect(lines).toContain("  POLLIN -- 1");
  });

  // help(type) and help(object) walk the type's locals table (py/builtinhelp.c:141-151), in its
  // order: module-tables.ts cites each port's table (the socket, Pin and WLAN types); names a
  // class of the library's has more follow. Was: the class's dict in hash order, with the
  // library's private names (the socket's _READ -- socketRead, __init__, __new__).
  it.each([
    ["pico_w", "CYW43", ["active", "scan", "connect", "disconnect", "isconnected", "ifconfig", "ipconfig", "status", "config", "IF_STA", "IF_AP"], ["close", "bind", "listen", "accept", "connect", "send", "recv"]],
    ["esp32", "WLAN", ["active", "connect", "disconnect", "status", "scan", "isconnected", "config", "ifconfig", "IF_STA", "IF_AP"], ["close", "bind", "listen", "accept", "connect", "send", "sendall"]],
    ["esp8266", "WLAN", ["active", "connect", "disconnect", "status", "scan", "isconnected", "config", "ifconfig", "IF_STA", "IF_AP"], ["close", "bind", "listen", "accept", "connect", "send", "recv"]],
  ])("%s: help() of the socket, Pin and WLAN types and objects lists their locals table in its order, no private name", async (board, wlan, wlanNames, socketNames) => {
    const lines = await printed(board, `import socket, network, machine
for o in (socket.socket, network.WLAN(0), machine.Pin):
    help(o)
`);
    const at = (header: string) => lines.indexOf(header);
    const names = (header: string) => {
      const end = lines.findIndex((line, i) => i > at(header) && line.startsWith("object "));
      return lines.slice(at(header) + 1, end < 0 ? undefined : end).map((line) => line.split(" -- ")[0]!.trim());
    };
    expect(lines.filter((line) => line.startsWith("object "))).toEqual([
      "object <class 'socket'> is of type type",
      expect.stringMatching(new RegExp(`^object .* is of type ${wlan}$`)),
      "object <class 'Pin'> is of type type",
    ]);
    expect(names("object <class 'socket'> is of type type").slice(0, socketNames.length)).toEqual(socketNames);
    expect(names(lines.find((line) => line.endsWith(`is of type ${wlan}`))!).filter((name) => wlanNames.includes(name))).toEqual(wlanNames);
    expect(names("object <class 'Pin'> is of type type").slice(0, 5)).toEqual(board === "pico_w" ? ["init", "value", "low", "high", "off"] : ["init", "value", "off", "on", "irq"]);
    expect(lines.filter((line) => /^ {2}_/.test(line) || /socket[A-Z]|wlan[A-Z]|pin[A-Z]/.test(line))).toEqual([]);
  });

  // The Pico W's and the ESP8266's socket module is extmod/modlwip.c's (v1.23.0): its table's
  // __name__ is lwip (:1825), and the one module object is registered as lwip (:1864) and as the
  // extensible socket (:1867); mp_module_get_builtin returns the table's entry as it is
  // (py/objmodule.c:176-216), so `import lwip`, `import socket`, `import usocket` give the same
  // object, and no ulwip (lwip is not extensible). module_print shows __name__ (py/objmodule.c:36-56).
  // The ESP32's is ports/esp32/modsocket.c's, named socket (:990), and has no lwip module.
  it.each(BOARDS)("%s: the socket module is lwip's where the firmware runs modlwip", async (board) => {
    const lines = await printed(
      board,
      `import socket, usocket
print(socket, socket.__name__, usocket is socket)
for name in ("lwip", "ulwip"):
    try:
        m = __import__(name)
        print(m, m is socket)
    except ImportError as e:
        print(e)
help(socket)
`,
    );
    const lwip = board !== "esp32";
    expect(lines.slice(0, 5)).toEqual([
      lwip ? "<module 'lwip'> lwip True" : "<module 'socket'> socket True",
      lwip ? "<module 'lwip'> True" : "no module named 'lwip'",
      "no module named 'ulwip'",
      `object <module '${lwip ? "lwip" : "socket"}'> is of type module`,
      `  __name__ -- ${lwip ? "lwip" : "socket"}`,
    ]);
  });

  // py/modsys.c:58 (version), :65-79 (implementation); extmod/modos.c:97-108 (uname);
  // _mpy = MPY_VERSION 6 | (MPY_SUB_VERSION 3 | arch << 2) << 8 (py/persistentcode.h: ARMV6M 4, XTENSA 9, XTENSAWIN 10).
  it.each([
    ["pico_w", "rp2", "Raspberry Pi Pico W with RP2040", 4870, "v1.23.0 on 2024-06-02 (GNU 13.2.1 MinSizeRel)"],
    ["esp32", "esp32", "Generic ESP32 module with ESP32", 11014, "v1.23.0 on 2024-06-02"],
    ["esp8266", "esp8266", "ESP module with ESP8266", 9990, "v1.23.0 on 2024-06-02"],
  ])("%s: sys.platform, sys.implementation, sys.version, os.uname()", async (board, platform, machine, mpy, version) => {
    expect(await printed(board, `import sys, os\nprint(sys.platform)\nprint(sys.implementation)\nprint(sys.implementation.version, sys.implementation._machine == sys.implementation[2])\nprint(sys.version)\nprint(os.uname())\nprint(os.uname().machine)\nprint(sys.path)\n`)).toEqual([
      platform,
      `(name='micropython', version=(1, 23, 0, ''), _machine='${machine}', _mpy=${mpy})`,
      "(1, 23, 0, '') True",
      "3.4.0; MicroPython v1.23.0 on 2024-06-02",
      `(sysname='${platform}', nodename='${platform}', release='1.23.0', version='${version}', machine='${machine}')`,
      machine,
      // py/runtime.c:140-144, then /lib (ports/rp2/main.c:153, ports/esp32/main.c:130; ESP8266 /lib and /, main.c:58-59)
      board === "esp8266" ? "['', '.frozen', '/lib', '/']" : "['', '.frozen', '/lib']",
    ]);
  });

  it.each([
    ["pico_w", 192 * 1024],
    ["esp32", 111_936],
    ["esp8266", 37_952],
  ])("%s: gc.mem_free() is about the board's heap, and importing machine costs none of it (a C module on the board)", async (board, heap) => {
    const [before, after] = (await printed(board, `import gc\nf = gc.mem_free()\nimport machine\nprint(f)\nprint(gc.mem_free())\n`)).map(Number);
    expect(before - after).toBeLessThan(256); // the name's slot in the script's globals
    expect(before).toBeGreaterThan(heap * 0.95);
    expect(before).toBeLessThanOrEqual(heap);
  });

  // py/modgc.c:76-82 (mem_alloc: gc_info's used), py/modmicropython.c:71-108 (mem_info, qstr_info),
  // py/gc.c:1175-1185 (gc_dump_info), :1187-1313 (the map); the stack limits: ports/rp2/main.c:114
  // (PICO_STACK_SIZE 0x2000, CMakeLists.txt:486, less 256), ports/esp32/main.c:127 (16 KiB less
  // 1024), ports/esp8266/main.c:54; max new split only where MICROPY_GC_SPLIT_HEAP_AUTO is set
  // (ports/esp32/mpconfigport.h:87-88). The firmware's qstrs are in ROM: qstr_info counts the
  // script's (py/qstr.c:398-423). The library's ≈ 130 KB and ≈ 700 qstrs are never shown.
  it.each([
    ["pico_w", 192 * 1024, 7936, ""],
    ["esp32", 111_936, 15360, ", max new split: 0"],
    ["esp8266", 37_952, 8192, ""],
  ])("%s: gc.mem_alloc(), micropython.mem_info() and qstr_info() show the board's heap, stack limit and qstrs", async (board, heap, stackLimit, split) => {
    const lines = await printed(
      board,
      `import gc, micropython
print(gc.mem_alloc(), gc.mem_free())
micropython.mem_info()
a_name_no_firmware_has = bytearray(4096)
micropython.qstr_info(1)
micropython.mem_info(1)
`,
    );
    const [alloc, free] = lines[0]!.split(" ").map(Number) as [number, number];
    expect(alloc).toBeGreaterThan(0);
    expect(alloc).toBeLessThan(4096); // a freshly booted board's few KB
    expect(alloc + free).toBe(heap);
    expect(lines[1]).toBe(`stack: ${lines[1]!.split(" ")[1]} out of ${stackLimit}`);
    const gcLine = /^GC: total: (\d+), used: (\d+), free: (\d+)(.*)$/.exec(lines[2]!)!;
    expect([Number(gcLine[1]), Number(gcLine[2]) + Number(gcLine[3]), gcLine[4]]).toEqual([heap, heap, split]);
    expect(Math.abs(Number(gcLine[3]) - free)).toBeLessThan(256); // the lines printed in between
    const counts = / No\. of 1-blocks: (\d+), 2-blocks: (\d+), max blk sz: (\d+), max free sz: (\d+)$/.exec(lines[3]!)!.slice(1).map(Number);
    expect(counts[0]! + counts[1]!).toBeLessThan(100); // the script's objects, not the library's ≈ 1500
    expect(counts[3]! * 16).toBeGreaterThan(free * 0.9); // the board's free heap is one block
    const qstrs = /^qstr pool: n_pool=1, n_qstr=(\d+), n_str_data_bytes=(\d+), n_total_bytes=\d+$/.exec(lines[4]!)!;
    expect(Number(qstrs[1])).toBeLessThan(10);
    expect(lines).toContain("Q(a_name_no_firmware_has)");
    const map = lines.slice(lines.indexOf(lines.find((line) => line.startsWith("GC memory layout; from "))!) + 1);
    expect(lines.find((line) => line.startsWith("GC memory layout; from "))).toMatch(/^GC memory layout; from [0-9a-f]+:$/);
    const blocks = map.filter((line) => /^[0-9a-f]{8}: /.test(line)).map((line) => line.slice(10)).join("");
    expect(blocks).toContain(`h${"=".repeat(255)}`); // the bytearray's 4096 bytes
    expect(blocks.replace(/\./g, "").length * 16).toBeLessThan(2 * 4096 + 4096); // its blocks and the script's few, no library's
  });
});

describe("time with each port's epoch (item 6)", () => {
  // The lab's clock set to 2024-06-02 00:00:00 UTC (Lab's rtc option). rp2 counts from 1970 (ports/rp2/mpconfigport.h:103
  // MICROPY_EPOCH_IS_1970); esp32/esp8266 from 2000 (shared/timeutils/timeutils.h:89-97).
  it.each([
    ["pico_w", 1717286400, "(1970, 1, 1, 0, 0, 0, 3, 1)"],
    ["esp32", 770601600, "(2000, 1, 1, 0, 0, 0, 5, 1)"],
    ["esp8266", 770601600, "(2000, 1, 1, 0, 0, 0, 5, 1)"],
  ])("%s: time(), gmtime(0), localtime(), mktime(), time_ns()", async (board, now, epoch) => {
    const lab = new Lab({ timing: "fast", rtc: new Date(Date.UTC(2024, 5, 2)) });
    expect(
      (await run(board, `import time
print(time.time())
print(time.gmtime(0))
print(time.localtime())
print(time.mktime(time.localtime()) == time.time())
print(time.time_ns() // 1000000000 == time.time())
print(time.mktime((2024, 2, 30, 0, 0, 0, 0, 0)) == time.mktime((2024, 3, 1, 0, 0, 0, 0, 0)))
print(time.gmtime(time.mktime((2024, 12, 31, 23, 59, 60, 0, 0))))
`, lab)).lines().slice(2),
    ).toEqual([
      String(now),
      epoch,
      "(2024, 6, 2, 0, 0, 0, 6, 154)", // a Sunday (weekday 6, Monday is 0), day 154 of a leap year
      "True",
      "True",
      "True", // timeutils_mktime_2000 normalises the date (timeutils.c:148-196)
      "(2025, 1, 1, 0, 0, 0, 2, 1)",
    ]);
  });

  it("bad arguments raise the firmware's exceptions (extmod/modtime.c, py/obj.c mp_obj_get_int)", async () => {
    expect(
      await printed("esp32", `import time
for f in (lambda: time.localtime(1.5), lambda: time.mktime((1, 2)), lambda: time.mktime(5), lambda: time.sleep("1"), lambda: time.ticks_add(0, 1 << 29), lambda: time.sleep_ms(1.5)):
    try:
        f()
    except Exception as e:
        print(type(e).__name__, e)
print(time.ticks_diff(time.ticks_add(5, -10), 5))
`),
    ).toEqual([
      "TypeError can't convert float to int",
      "TypeError mktime needs a tuple of length 8 or 9",
      "TypeError object 'int' isn't a tuple or list",
      "TypeError can't convert str to float",
      "OverflowError ticks interval overflow",
      "TypeError can't convert float to int",
      "-10",
    ]);
  });
});

describe("machine.Pin (item 5)", () => {
  it.each([
    // ports/rp2/machine_pin.c:199-243 (repr), :188 and :196 (errors); pins.csv: "LED" is EXT_GPIO0
    ["pico_w", ["Pin(GPIO2, mode=OUT)", "Pin(GPIO3, mode=IN, pull=PULL_UP)", "Pin(EXT_GPIO0, mode=OUT)", "ValueError invalid pin", 'ValueError unknown named pin "D4"', "Pin(GPIO28, mode=OUT)"]],
    // ports/esp32/machine_pin.c:133 (repr), :123 (errors)
    ["esp32", ["Pin(2)", "Pin(3)", "ValueError invalid pin", "ValueError invalid pin", "ValueError invalid pin", "ValueError invalid pin"]],
    // ports/esp8266/machine_pin.c:249 (repr), :140 (errors)
    ["esp8266", ["Pin(2)", "Pin(3)", "ValueError invalid pin", "ValueError invalid pin", "ValueError invalid pin", "ValueError invalid pin"]],
  ])("%s: repr, named pins and the errors for pins the board has not", async (board, expected) => {
    expect(
      await printed(board, `from machine import Pin
print(Pin(2, Pin.OUT))
print(Pin(3, Pin.IN, Pin.PULL_UP))
for pin in ("LED", 40, "D4", "GP28"):
    try:
        print(Pin(pin, Pin.OUT))
    except Exception as e:
        print(type(e).__name__, e)
`),
    ).toEqual(expected);
  });

  it("esp32: an input-only pin refuses OUT (machine_pin.c:189, GPIO_FIRST_NON_OUTPUT 34)", async () => {
    expect(await printed("esp32", `from machine import Pin\ntry:\n    Pin(34, Pin.OUT)\nexcept ValueError as e:\n    print(e)\nprint(Pin(34, Pin.IN).value())\n`)).toEqual(["pin can only be input", "0"]);
  });

  it("value/on/off/toggle: the level tests see and the log records; an input reads what the test puts on it", async () => {
    const logged: { msg: string; pin?: unknown; value?: unknown }[] = [];
    const lab = new Lab({ timing: "fast", log: pino({ level: "info" }, { write: (line: string) => void logged.push(JSON.parse(line)) }) });
    const b = await lab.addBoard({
      name: "b",
      board: "pico_w",
      fileName: "main.py",
      source: `from machine import Pin
import time
led = Pin("LED", Pin.OUT)
led.on()
print(led.value())
led.toggle()
print(led(), led.value())
led.value(1)
button = Pin(15, Pin.IN, Pin.PULL_DOWN)
print("button", button.value())
while button.value() == 0:
    time.sleep_ms(10)
print("pressed at", time.ticks_ms() // 100 * 100)
`,
    });
    await b.waitFor("button 0\n");
    expect(b.pin("LED")).toEqual({ mode: "OUT", value: 1 });
    lab.at(500, () => b.setPin(15, 1));
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["1", "0 0", "button 0", "pressed at 500"]);
    expect(logged.filter((l) => l.pin !== undefined).map((l) => l.msg)).toEqual(["EXT_GPIO0 = 1", "EXT_GPIO0 = 0", "EXT_GPIO0 = 1"]);
  });

  it("an input with PULL_UP reads 1 until a button pulls it low, and that falling edge runs its irq, whose flags() is the edge; init() without a pull turns it off on rp2", async () => {
    // the pad's pull-up holds a pin nothing drives high (rp2 machine_pin.c:305-311 gpio_set_pulls, also
    // for pull=None); irq().flags() is the edge that fired (:112, 585; shared/runtime/mpirq.c:99-102).
    // Random Nerd Tutorials' debounce_pushbutton.py and pico-micropython-examples irq/irq.py
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "b",
      board: "pico_w",
      fileName: "main.py",
      source: `from machine import Pin
import time
button = Pin(12, Pin.IN, Pin.PULL_UP)
button.irq(lambda p: print("pressed", p.value(), p.irq().flags()), Pin.IRQ_FALLING)
print(button.value())
time.sleep_ms(100)
button.irq(None)
Pin(13, Pin.IN, Pin.PULL_UP).init(Pin.IN)
print(Pin(13).value(), Pin(13))
`,
    });
    lab.at(50, () => b.setPin(12, 0));
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["1", "pressed 0 4", "0 Pin(GPIO13, mode=IN)"]);
  });

  it.each(BOARDS)("%s: Pin.irq() handlers run at the script's next host call after the edge (a sleep wakes for them)", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "b",
      board,
      fileName: "main.py",
      source: `from machine import Pin
import time
presses = []
def pressed(pin):
    presses.append((pin, pin.value(), time.ticks_ms()))
button = Pin(4, Pin.IN)
button.irq(handler=pressed, trigger=Pin.IRQ_RISING)
time.sleep(1)
print(presses)
`,
    });
    lab.at(250, () => b.setPin(4, 1));
    lab.at(300, () => b.setPin(4, 0)); // a falling edge: not a trigger
    await b.finished();
    const pin = board === "pico_w" ? "Pin(GPIO4, mode=IN)" : "Pin(4)";
    expect(b.lines().slice(2)).toEqual([`[(${pin}, 1, 250)]`]);
  });
});

describe("machine.ADC, PWM, RTC, Timer (item 5)", () => {
  it.each([
    // rp2: read_u16 only (machine_adc.c); channel 4 is the temperature sensor; GPIO 26 is channel 0
    ["pico_w", "ADC(26)", ["<ADC channel=0>", "40000", "False", "14021", "ValueError Pin doesn't have ADC capabilities"]],
    // esp32: read() is the 12-bit raw value (machine_adc.c:210); GPIO 4 and 2 are ADC2 channels
    // (read_u16 rebuilt from that raw value, machine_adc.c:215-221: 2500 << 4 | 2500 >> 8)
    ["esp32", "ADC(Pin(34))", ["ADC(Pin(34), atten=0)", "40009", "2500", "0", "ADC(Pin(2), atten=0)"]],
    // esp8266: ADC(0) only; read() 0-1024 (machine_adc.c:43-80)
    ["esp8266", "ADC(0)", ["ADC(0)", "40000", "625", "ValueError ADC(4) doesn't exist", "TypeError can't convert Pin to int"]],
  ])("%s: the reading a test set, read_u16() and read(), and the board's errors", async (board, make, expected) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "b",
      board,
      fileName: "main.py",
      source: `from machine import ADC, Pin
adc = ${make}
print(adc)
print(adc.read_u16())
print(adc.read() if hasattr(adc, "read") else False)
for f in (lambda: ADC(4).read_u16(), lambda: ADC(Pin(2))):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
`,
    });
    b.setAdc(board === "esp8266" ? 0 : board === "pico_w" ? 26 : 34, 40000);
    await b.finished();
    expect(b.lines().slice(2)).toEqual(expected);
  });

  it("esp32: atten() and width() as Random Nerd Tutorials' potentiometer script calls them", async () => {
    // ports/esp32/machine_adc.c:39-68 (ATTN_*, WIDTH_*), 147 (repr), 162-181 (atten, "invalid atten"),
    // adc.c:34-70 (width: the block's bits for read(), "invalid bits"); ADC2 (Pin(4)) has its own width
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "b",
      board: "esp32",
      fileName: "main.py",
      source: `from machine import ADC, Pin
pot = ADC(Pin(34))
pot.width(ADC.WIDTH_10BIT)
pot.atten(ADC.ATTN_11DB)
print(pot, pot.read(), ADC(Pin(4), atten=ADC.ATTN_6DB))
for f in (lambda: pot.atten(4), lambda: pot.width(8)):
    try:
        f()
    except ValueError as e:
        print(e)
`,
    });
    b.setAdc(34, 40000);
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["ADC(Pin(34), atten=3) 625 ADC(Pin(4), atten=2)", "invalid atten", "invalid bits"]);
  });

  it("esp32: read_u16(), read() and read_uv() come from one raw reading at the block's width; block() is its ADCBlock", async () => {
    // ports/esp32/machine_adc.c v1.23.0:206-226: read() is the raw reading, read_u16() scales it by
    // the block's bits (raw << (16 - bits) | raw >> (2 * bits - 16)), read_uv() is adc.c:82-92's
    // calibration (ESP-IDF esp_adc_cal, Vref 1100 mV: 11 dB is 1100 * 196602 / 4096 per 65536, + 142;
    // the lookup table at 11 dB above 2880), block() the static ADCBlock
    // (machine_adc_block.c:34-46: "ADCBlock(unit, bits=n)", bits= as width(); "invalid block id",
    // extmod/machine_adc_block.c:70; connect(channel / pin / both), "no matching ADC", :104-107).
    const lines = await esp32AdcLines(
      "main.py",
      `from machine import ADC, ADCBlock, Pin
a = ADC(Pin(34))
print(a.read(), a.read_u16(), a.read_uv())
a.atten(ADC.ATTN_11DB)
a.width(ADC.WIDTH_10BIT)
block = a.block()
print(block, a.read(), a.read_u16(), a.read_uv(), block is ADCBlock(0), ADC(Pin(4)).block())
print(ADC(Pin(35)).read_u16(), ADC(Pin(35), atten=ADC.ATTN_11DB).read_uv())
ADCBlock(0, bits=12)
print(block, block.connect(6), block.connect(Pin(39)), block.connect(7, Pin(35), atten=ADC.ATTN_6DB))
for f in (lambda: ADCBlock(2), lambda: block.connect(8), lambda: block.connect(7, Pin(34))):
    try:
        f()
    except ValueError as e:
        print(e)
`,
    );
    expect(lines).toEqual([...ESP32_ADC_LINES, "invalid block id", "no matching ADC", "no matching ADC"]);
  });

  it.each([
    // rp2 machine_adc.c v1.23.0:67 and esp8266 :56: mp_arg_check_num(n_args, n_kw, 1, 1, false), the
    // keywords refused first (py/argcheck.c:40-46), then the count (:48-56)
    ["pico_w", "26", ["function doesn't take keyword arguments", "function doesn't take keyword arguments", "function takes 1 positional arguments but 2 were given", "function takes 1 positional arguments but 0 were given"]],
    ["esp8266", "0", ["function doesn't take keyword arguments", "function doesn't take keyword arguments", "function takes 1 positional arguments but 2 were given", "function takes 1 positional arguments but 0 were given"]],
    // esp32 :187 takes keywords, at least the pin (argcheck.c:58-64); madc_init_helper (:163-181)
    // parses atten= only, by keyword (argcheck.c:79-131: a positional one or another keyword)
    ["esp32", "Pin(34)", ["ADC(Pin(34), atten=3)", "extra keyword arguments given", "extra positional arguments given", "function missing 1 required positional arguments"]],
  ])("%s: ADC(id) takes the arguments the port's make_new takes (Pico W and ESP8266 no atten=)", async (board, id, expected) => {
    const lines = await printed(
      board,
      `from machine import ADC, Pin
for f in (lambda: ADC(${id}, atten=3), lambda: ADC(${id}, width=1), lambda: ADC(${id}, 3), lambda: ADC()):
    try:
        print(f())
    except TypeError as e:
        print(e)
`,
    );
    expect(lines).toEqual(expected);
  });

  it.each([
    ["esp32", "True True True True"],
    // labplus-cn/mpython port/builtins/modmachine.c (machine_module_globals_table: ADC, no ADCBlock); the
    // ESP32 ADC of its era (ports/esp32/machine_adc.c v1.12 and v1.13, madc_locals_dict_table) has no
    // init, read_uv nor block (MICROPY_PY_MACHINE_ADC_INIT/_READ_UV/_BLOCK came with extmod/machine_adc.c)
    ["mpython", "False False False False"],
  ])("%s: machine.ADCBlock and ADC's init(), read_uv() and block() where the board's firmware has them", async (board, expected) => {
    const lines = await printed(
      board,
      `import machine
a = machine.ADC(machine.Pin(34))
print(hasattr(machine, "ADCBlock"), hasattr(a, "init"), hasattr(a, "read_uv"), hasattr(a, "block"))
try:
    print(type(a.read_uv()))
except AttributeError as e:
    print(e)
`,
    );
    expect(lines).toEqual([expected, board === "esp32" ? "<class 'int'>" : "'ADC' object has no attribute 'read_uv'"]);
  });

  it.each([
    // ports/rp2/machine_adc.c v1.23.0:125: mp_obj_malloc, a new object at each call
    ["pico_w", "26", "Pin(26)", "False False"],
    // ports/esp32/machine_adc.c v1.23.0:187-204: the static table's entry (madc_obj :70-90, madc_search_helper
    // :135-144), configured again by each call (atten=3 shows on the first); ADCBlock.connect finds the same entry
    ["esp32", "34", "Pin(34)", "True True ADC(Pin(34), atten=3) True"],
    ["mpython", "34", "Pin(34)", "True True ADC(Pin(34), atten=3)"],
    // ports/esp8266/machine_adc.c v1.23.0:40-41, 56-69: one of its two static objects
    ["esp8266", "0", "1", "True True"],
  ])("%s: ADC(id) is the same object for the same channel where the firmware's make_new returns a static one", async (board, id, other, expected) => {
    const esp32 = board === "esp32" || board === "mpython";
    const lines = await printed(
      board,
      `from machine import ADC, Pin
a = ADC(${id})
print(a is ADC(${id}), ADC(${other}) is ADC(${other})${esp32 ? ", ADC(Pin(34), atten=ADC.ATTN_11DB)" : ""}${board === "esp32" ? ", a.block().connect(6) is a" : ""})
`,
    );
    expect(lines).toEqual([expected]);
  });

  it("esp32: an ADC2 pin cannot be read while the WiFi is on (the ESP-IDF's arbiter): OSError ETIMEDOUT", async () => {
    // ports/esp32/adc.c:77 (adc2_get_raw under check_esp_err), mphalport.c:57-97 (ESP_ERR_TIMEOUT →
    // OSError(116, 'ESP_ERR_TIMEOUT'), printed by py/objexcept.c:184-195); ADC1 (Pin(34)) reads on
    const lines = await printed(
      "esp32",
      `from machine import ADC, Pin
import network
pot = ADC(Pin(4))
print(pot.read())
network.WLAN(network.STA_IF).active(True)
print(ADC(Pin(34)).read())
try:
    pot.read()
except OSError as e:
    print(e)
`,
    );
    expect(lines).toEqual(["0", "0", "[Errno 116] ETIMEDOUT: ESP_ERR_TIMEOUT"]);
  });

  it("esp32: TouchPad reads above a thousand untouched and what a test's finger gives, on the ten touch pins only", async () => {
    // ports/esp32/machine_touchpad.c:45-56 (GPIOs), 78-90 ("invalid pin for touchpad"), 126-141 (read);
    // docs/esp32/quickref.rst 760-763 (tens touched, above one thousand not). Random Nerd Tutorials' main_esp32.py
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "b",
      board: "esp32",
      fileName: "main.py",
      source: `from machine import TouchPad, Pin
import time
t = TouchPad(Pin(4))
print(t, t.read() > 1000, t.config(500))
try:
    TouchPad(Pin(5))
except ValueError as e:
    print(e)
time.sleep_ms(200)
print(t.read())
`,
    });
    lab.at(100, () => b.setTouch(4, 42));
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["<TouchPad> True None", "invalid pin for touchpad", "42"]);
  });

  it("PWM: frequency and duty visible to tests; duty_ns from the period", async () => {
    const b = await run("esp32", `from machine import Pin, PWM\npwm = PWM(Pin(2), freq=1000)\npwm.duty_u16(32768)\nprint(pwm.freq(), pwm.duty_u16())\npwm.duty_ns(250000)\nprint(pwm.duty_u16())\n`);
    // esp32 machine_pwm.c:277-286: 250000 ns at 1 kHz is duty_u16 16384 (rounded), 16-bit LEDC at 1 kHz (:213-239);
    // freq() is the LEDC timer's (:607-610): 998 Hz at 1 kHz (the next test)
    expect(b.lines().slice(2)).toEqual(["998 32768", "16384"]);
    expect(b.pwm(2)).toEqual({ freq: 1000, duty: 16384 });
  });

  it.each([
    // rp2 (ports/rp2/machine_pwm.c:191-200): get_slice_hz_round(div16 * (top + 1)) from the divider and top
    // freq(f) set at 125 MHz (:206-227); 0 before a frequency is set
    ["pico_w", "0 1000 3333 12344 40000"],
    // esp32 (ports/esp32/machine_pwm.c:607-610): ESP-IDF's ledc_get_freq, the 80 MHz clock over the timer's
    // 2^resolution (:213-239, 16 bits at most) and its divider in 1/256 steps, which ledc_timer_config rounded
    // (ledc.c ledc_calculate_divisor): 1 kHz runs at 998.4 Hz. UNVERIFIED on a board.
    ["esp32", "5000 998 3333 12345 40000"],
    // esp8266 (ports/esp8266/machine_pwm.c:130-132, esppwm.c:290-292): the frequency set; 500 at start (esppwm.c:357)
    ["esp8266", "500 1000 333 100 50"],
  ])("%s: PWM freq() reads what the port computes back from its hardware setting", async (board, expected) => {
    const freqs = board === "esp8266" ? [1000, 333, 100, 50] : [1000, 3333, 12345, 40000];
    expect(await printed(board, `from machine import Pin, PWM
p = PWM(Pin(2))
read = [p.freq()]
for f in ${JSON.stringify(freqs)}:
    p.freq(f)
    read.append(p.freq())
print(*read)
`)).toEqual([expected]);
  });

  it.each([
    // rp2 (ports/rp2/machine_pwm.c): no duty() (MICROPY_PY_MACHINE_PWM_DUTY unset; extmod/machine_pwm.c:132-134);
    // duty reads 0 until set (:252, :281); at 1 kHz div16 31, top 64515 (:206-227): duty_u16 through the
    // counter level (:273, :259), duty_ns from the slice clock (:285); init takes invert= (:99-125)
    ["pico_w", ["0 0", "AttributeError 'PWM' object has no attribute 'duty'", "32768 499999", "16384 250000", "<PWM slice=1 channel=0 invert=1> 800 250010", "1001", "1001 152694"]],
    // esp32 (ports/esp32/machine_pwm.c): 50 % on a new PWM (:560-561); duty() kept as duty_u16 << 6 in the
    // LEDC's 16 bits at 1 kHz and 100 Hz, 13 at 5 kHz (:213-239, :331-341), read back (:302-316); duty_ns
    // from it (:288-292); init takes no invert= (:470-476; py/argcheck.c:129)
    ["esp32", ["32768 500008", "512 32768 500008", "32768 500008", "16384 250004", "TypeError extra keyword arguments given", "1001", "1001 152743", "1000"]],
    // esp8266 (ports/esp8266/machine_pwm.c): a 10-bit duty (:155); duty_u16(x) keeps x * 1024 / 65536 (:173),
    // the constructor's x * 1000 / 65536 (:83), read as duty * 64 (:167); duty_ns as duty * 976563 / freq (:180)
    ["esp8266", ["0 0", "512 32768 500000", "32768 500000", "16384 250000", "TypeError extra keyword arguments given", "960", "960 146484", "960"]],
  ])("%s: PWM duty, duty_u16 and duty_ns read back in the port's arithmetic", async (board, expected) => {
    expect(await printed(board, `from machine import Pin, PWM
p = PWM(Pin(2), freq=1000)
print(p.duty_u16(), p.duty_ns())
try:
    p.duty(512)
    print(p.duty(), p.duty_u16(), p.duty_ns())
except AttributeError as e:
    print("AttributeError", e)
p.duty_u16(32768)
print(p.duty_u16(), p.duty_ns())
p.duty_ns(250000)
print(p.duty_u16(), p.duty_ns())
try:
    p.init(freq=800, invert=1)
    print(p, p.freq(), p.duty_ns())
except TypeError as e:
    print("TypeError", e)
p.duty_u16(1001)
print(p.duty_u16())
p.init(freq=100, duty_u16=1001)
print(p.duty_u16(), p.duty_ns())
if "${board}" != "pico_w":
    p.init(freq=${board === "esp32" ? 5000 : 1000}, duty_u16=1001)
    print(p.duty_u16())
`)).toEqual(expected);
  });

  it.each([
    ["pico_w", ["AttributeError 'PWM' object has no attribute 'duty'", "16384 250000"]], // rp2 has no duty() (extmod/machine_pwm.c:132-134)
    ["esp32", ["512 32768", "16384 250004"]], // esp32 machine_pwm.c:302-316, :288-292
  ])("%s: a TS script's PWM uses the same duty arithmetic", async (board, expected) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "b",
      board,
      fileName: "main.ts",
      source: `import machine from "machine";
const p = machine.PWM(machine.Pin(2), { freq: 1000 });
try {
  p.duty(512);
  print(p.duty(), p.duty_u16());
} catch (e) {
  print((e as Error).name, (e as Error).message);
}
p.init({ duty_ns: 250000 });
print(p.duty_u16(), p.duty_ns());
`,
    });
    await b.finished();
    expect(b.lines().slice(2)).toEqual(expected);
  });

  it.each([
    // ports/rp2/machine_pwm.c:79-83: GPIO 2 is slice 1 channel A, GPIO 3 channel B (pico-sdk
    // pwm_gpio_to_slice_num, pwm_gpio_to_channel); each PWM() clears invert (:142), invert= sets it (:123-125)
    ["pico_w", ["<PWM slice=1 channel=0 invert=0>", "<PWM slice=1 channel=1 invert=1>", "<PWM slice=1 channel=1 invert=0>", "<PWM slice=1 channel=0 invert=0>"]],
    // ports/esp8266/machine_pwm.c:48-56: the 10-bit duty (duty_u16 * 1024 / 65536, :173); inactive after deinit (:127)
    ["esp8266", ["PWM(2, freq=1000, duty=512)", "PWM(3, freq=500, duty=0)", "PWM(3, freq=500, duty=0)", "PWM(2)"]],
  ])("%s: repr(PWM) is the firmware's print", async (board, expected) => {
    expect(await printed(board, `from machine import Pin, PWM
pwm = PWM(Pin(2), freq=1000)
pwm.duty_u16(32768)
print(pwm)
print(PWM(Pin(3), invert=1) if "${board}" == "pico_w" else PWM(Pin(3)))
print(repr(PWM(Pin(3))))
pwm.deinit()
print(pwm)
`)).toEqual(expected);
  });

  it.each([
    ["pico_w", 0, 0], // ports/rp2/machine_rtc.c:87: subseconds always 0
    ["esp32", 500000, 1000], // ports/esp32/machine_rtc.c: tv_usec
    ["esp8266", 500, 1], // ports/esp8266/machine_rtc.c:143: ms
  ])("%s: RTC.datetime() sets the clock time.time() reads; the weekday given is ignored", async (board, sub, ms) => {
    const lines = await printed(board, `import machine, time
rtc = machine.RTC()
rtc.datetime((2025, 3, 14, 0, 15, 9, 26, 0))
print(rtc.datetime()[:7], time.localtime()[:6])
time.sleep_ms(500)
print(rtc.datetime()[7])
`);
    expect(lines[0]).toBe("(2025, 3, 14, 4, 15, 9, 26) (2025, 3, 14, 15, 9, 26)");
    // 500 ms later, and the script's own work: in simulated time a poll of a busy script costs 1 ms (docs/ARCHITECTURE.md).
    expect(Number(lines[1])).toBeGreaterThanOrEqual(sub);
    expect(Number(lines[1])).toBeLessThanOrEqual(sub + ms);
    expect(lines).toHaveLength(2);
  });

  // In simulated time each poll of a busy script costs 1 ms (docs/ARCHITECTURE.md), so a callback's
  // ticks_ms() may read 1 ms late, as the timer's start may: each call is within 1 ms of its period's
  // multiple, however much work the interpreter does before or around it.
  it.each(BOARDS)("%s: a periodic Timer calls back on the board's clock while the script sleeps", async (board) => {
    const id = board === "esp32" ? "0" : "-1"; // ESP32 has hardware timers 0-3 only; rp2/ESP8266 the virtual -1
    const lines = await printed(
      board,
      `import machine, time
calls = []
t = machine.Timer(${id})
start = time.ticks_ms()
t.init(period=100, mode=machine.Timer.PERIODIC, callback=lambda t: calls.append(time.ticks_diff(time.ticks_ms(), start)))
time.sleep(1)
t.deinit()
print(calls)
calls = []
start = time.ticks_ms()
one = machine.Timer(${id}, mode=machine.Timer.ONE_SHOT, period=50, callback=lambda t: calls.append(time.ticks_diff(time.ticks_ms(), start)))
time.sleep_ms(200)
print(calls)
`,
    );
    const [periodic, once] = lines.map((line) => JSON.parse(line) as number[]);
    expect(periodic).toHaveLength(10);
    periodic!.forEach((ms, i) => expect(Math.abs(ms - 100 * (i + 1)), `call ${i + 1} at ${ms} ms`).toBeLessThanOrEqual(1));
    expect(once).toHaveLength(1);
    expect(Math.abs(once![0]! - 50)).toBeLessThanOrEqual(1);
  });

  it("a callback's exception is printed and the script goes on (py/scheduler.c:111 mp_call_function_1_protected)", async () => {
    const lines = await printed("pico_w", `import machine, time\nt = machine.Timer(period=10, mode=machine.Timer.ONE_SHOT, callback=lambda t: 1 / 0)\ntime.sleep_ms(50)\nprint("still here")\n`);
    expect(lines).toEqual(["Traceback (most recent call last):", '  File "main.py", line 2, in <lambda>', "ZeroDivisionError: divide by zero", "still here"]);
  });

  it.each([
    ["pico_w", "ValueError Timer doesn't exist"], // ports/rp2/machine_timer.c:120
    ["esp8266", "ValueError Timer doesn't exist"],
  ])("%s: only the virtual timer exists", async (board, error) => {
    expect(await printed(board, `import machine\ntry:\n    machine.Timer(0)\nexcept Exception as e:\n    print(type(e).__name__, e)\n`)).toEqual([error]);
  });

  it("esp32: any id is a hardware timer (masked, machine_timer.c:92-93), but the id is required (:91)", async () => {
    expect(await printed("esp32", `import machine\nmachine.Timer(-1)\ntry:\n    machine.Timer()\nexcept Exception as e:\n    print(type(e).__name__, e)\n`)).toEqual(["TypeError function missing 1 required positional arguments"]);
  });
});

describe("machine's functions (item 5)", () => {
  it.each([
    ["pico_w", "8 125000000 1 1"], // unique_id: 64-bit flash id; 125 MHz; PWRON_RESET 1 (ports/rp2/modmachine.c:47)
    ["esp32", "6 160000000 1 1"], // the MAC; 160 MHz; PWRON_RESET 1 (ports/esp32/modmachine.c:84)
    ["esp8266", "4 80000000 0 0"], // chip id; 80 MHz; REASON_DEFAULT_RST 0 (ports/esp8266/modmachine.c:56)
  ])("%s: unique_id(), freq(), reset_cause() after power-on", async (board, expected) => {
    expect(await printed(board, `import machine\nprint(len(machine.unique_id()), machine.freq(), machine.reset_cause(), machine.PWRON_RESET)\n`)).toEqual([expected]);
  });

  it.each([
    ["esp32", "ValueError frequency must be 20MHz, 40MHz, 80Mhz, 160MHz or 240MHz", "240000000"], // modmachine.c:109-111
    ["esp8266", "ValueError frequency can only be either 80Mhz or 160MHz", "160000000"], // modmachine.c:69
  ])("%s: freq(hz) takes only the chip's frequencies", async (board, error, ok) => {
    const hz = board === "esp32" ? 240_000_000 : 160_000_000;
    expect(await printed(board, `import machine\ntry:\n    machine.freq(100000000)\nexcept Exception as e:\n    print(type(e).__name__, e)\nmachine.freq(${hz})\nprint(machine.freq())\n`)).toEqual([error, ok]);
  });

  it.each([
    ["pico_w", 3], // machine.reset() reboots through the watchdog: WDT_RESET (modmachine.c:71-78)
    ["esp32", 5], // esp_restart(): SOFT_RESET
    ["esp8266", 4], // REASON_SOFT_RESTART
  ])("%s: machine.reset() boots the board again and runs the script from the start, ticks_ms() from 0 again", async (board, cause) => {
    // ticks count from the boot (ports/rp2/mphalport.h:93-95 to_ms_since_boot, ports/esp32/mphalport.c:158-160
    // esp_timer_get_time, ports/esp8266/esp_mphal.c:117-120 the system time): also on a board a lab adds late
    const lab = new Lab({ timing: "fast" });
    await lab.advance(7000);
    const b = await lab.addBoard({ name: "b", board, fileName: "main.py", source: `import machine, time\nprint("cause", machine.reset_cause(), time.ticks_ms() // 1000)\nif machine.reset_cause() == machine.PWRON_RESET:\n    time.sleep(3)\n    machine.reset()\nprint("done")\n` });
    await b.finished();
    expect(b.boots).toBe(2);
    expect(b.lines().filter((l) => /^(cause|done)/.test(l))).toEqual([`cause ${b.board!.profile.port.resetCauses.powerOn} 0`, `cause ${cause} 0`, "done"]);
  });

  it("a reset puts pins, PWM and NeoPixels back to their reset state, on a boot whose script never touches them too", async () => {
    const lab = new Lab({ timing: "fast" });
    const source = `import machine, neopixel\nif machine.reset_cause() == machine.PWRON_RESET:\n    machine.Pin(2, machine.Pin.OUT).value(1)\n    machine.PWM(machine.Pin(4), freq=1000, duty_u16=100)\n    neopixel.NeoPixel(machine.Pin(5), 1).write()\n    print(machine.Pin(2).value())\n    machine.reset()\nprint("done")\n`;
    const b = await lab.addBoard({ name: "b", board: "esp32", fileName: "main.py", source });
    await b.finished();
    expect(b.lines().filter((l) => /^(1|done)$/.test(l))).toEqual(["1", "done"]);
    expect([b.pin(2), b.pwm(4), b.neopixels(5)]).toEqual([null, null, []]);
  });

  it("deepsleep(ms): the board is off for the time, then boots with DEEPSLEEP_RESET (ports/esp32/modmachine.c:209), its ticks from 0, its RTC on", async () => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({ name: "b", board: "esp32", fileName: "main.py", source: `import machine, time\nprint(machine.reset_cause(), time.ticks_ms(), time.time())\nif machine.reset_cause() != machine.DEEPSLEEP_RESET:\n    machine.deepsleep(5000)\n` });
    await b.finished();
    expect(b.lines().filter((l) => /^\d/.test(l))).toEqual(["1 0 0", "4 0 5"]);
  });

  // ports/rp2/mpconfigport.h:124 MICROPY_PY_MACHINE_BOOTLOADER, modmachine.c:81-87 reset_usb_boot:
  // the chip is in its ROM's USB mass-storage bootloader, no MicroPython runs until a reset. The
  // ESP32 target has no MICROPY_BOARD_ENTER_BOOTLOADER (ports/esp32/mpconfigport.h:272-284), nor
  // the ESP8266 or mPython's own modmachine.c.
  it("Pico W: machine.bootloader() leaves MicroPython for the USB bootloader (BOOTSEL) until a reset; the ESP boards have none", async () => {
    const logged: { msg: string }[] = [];
    const lab = new Lab({ timing: "fast", log: pino({ level: "info" }, { write: (line: string) => void logged.push(JSON.parse(line)) }) });
    const source = `import machine\nprint(hasattr(machine, "bootloader"))\nif hasattr(machine, "bootloader"):\n    machine.bootloader()\n    print("after")\n`;
    const boards = await Promise.all(["pico_w", "esp32", "esp8266", "mpython"].map((board) => lab.addBoard({ name: board, board, fileName: "main.py", source })));
    await Promise.all(boards.slice(1).map((b) => b.finished()));
    await lab.advance(60_000);
    expect(boards.map((b) => b.lines().filter((l) => !/^(MicroPython|Type)/.test(l)))).toEqual([["True"], ["False"], ["False"], ["False"]]);
    expect(boards[0]!.result).toBe(null); // off: the script never ends, the board never boots again
    expect(boards[0]!.boots).toBe(1);
    expect(logged.map((l) => l.msg)).toContain("machine.bootloader(): the board is in its USB bootloader (BOOTSEL) until reset");
  });

  it.each([
    ["pico_w", "function"],
    ["esp32", "AttributeError: 'module' object has no attribute 'bootloader'"],
  ])("%s: a TS script's machine.bootloader: %s", async (board, kind) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({ name: "b", board, fileName: "main.ts", source: `import machine from "machine";\nprint(typeof (machine as Record<string, unknown>).bootloader);\n` });
    await b.finished();
    expect(b.lines().at(-1)).toBe(kind);
  });

  it("soft_reset() prints the firmware's line and runs the script again (ports/rp2/main.c: MPY: soft reboot)", async () => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({ name: "b", board: "pico_w", fileName: "main.py", source: `import machine, time\ntime.sleep_ms(10)\nprint("run", machine.reset_cause())\nif machine.Pin(5, machine.Pin.IN).value() == 0:\n    machine.soft_reset()\n` });
    await b.waitFor("MPY: soft reboot\n");
    b.setPin(5, 1);
    await b.finished();
    expect(b.boots).toBe(1); // the same board: the interpreter starts again (runtime/boot.ts)
    expect(b.lines().filter((l) => !/^(MicroPython|Type)/.test(l))).toEqual(["run 1", "MPY: soft reboot", "run 1"]);
  });
});

describe("the board's modules and frozen libraries (items 4 and 5)", () => {
  // extmod/modhashlib.c v1.23.0: sha256 everywhere, sha1 where the port sets MICROPY_PY_HASHLIB_SHA1
  // (rp2 mpconfigport.h:114, esp32 :105, esp8266 :60 with axTLS), md5 on the ESP32 only (:104);
  // digest() makes the object final (:67-71, 105-113). A WebSocket handshake (RFC 6455's example key)
  // needs sha1: microdot's websocket, the tutorials' servers.
  it.each([
    ["pico_w", "['sha1', 'sha256']"],
    ["esp32", "['md5', 'sha1', 'sha256']"],
    ["esp8266", "['sha1', 'sha256']"],
  ])("%s: hashlib has %s; a WebSocket accept key; hash is final after digest()", async (board, names) => {
    const lines = await printed(
      board,
      `import hashlib, binascii
print(sorted(n for n in dir(hashlib) if not n.startswith("__")))
h = hashlib.sha1(b"dGhlIHNhbXBsZSBub25jZQ==" + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
print(binascii.b2a_base64(h.digest()), h)
for call in (lambda: h.update(b"x"), h.digest):
    try:
        call()
    except ValueError as e:
        print("ValueError", e)
s = hashlib.sha256("ab")
s.update(bytearray(b"c"))
print(binascii.hexlify(s.digest()))
try:
    s._id
except AttributeError as e:
    print(e)
`,
    );
    expect(lines).toEqual([
      names,
      "b's3pPLMBiTxaQ9kYGzzhZRbK+xOo=\\n' <sha1>",
      "ValueError hash is final",
      "ValueError hash is final",
      "b'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'",
      "'sha256' object has no attribute '_id'", // no handle of the host's on the object (extmod/modhashlib.c: a C struct)
    ]);
  });

  // extmod/modcryptolib.c v1.23.0, MICROPY_PY_CRYPTOLIB on all three (rp2 mpconfigport.h:115, esp32
  // :107, ESP8266_GENERIC mpconfigboard.h:15), without CTR or the MODE_* names (py/mpconfig.h:1695-1701,
  // set by no port). Ciphertexts: NIST SP 800-38A F.1.1, F.1.5 (ECB) and F.2.1, F.2.5 (CBC, the chain
  // running on across calls, :202-204); errors in make_new's and aes_process's order (:214-305).
  it.each(BOARDS)("%s: cryptolib.aes encrypts and decrypts ECB and CBC as NIST's vectors, with the firmware's errors", async (board) => {
    const lines = await printed(
      board,
      `import cryptolib
from binascii import hexlify, unhexlify
print(cryptolib, [n for n in dir(cryptolib) if not n.startswith("__")], cryptolib.aes)
p = unhexlify("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
iv = bytes(range(16))
for key in ("2b7e151628aed2a6abf7158809cf4f3c", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"):
    k = unhexlify(key)
    ecb = cryptolib.aes(k, 1)
    print(ecb, hexlify(ecb.encrypt(p)))
    cbc = cryptolib.aes(k, 2, iv)
    c = cbc.encrypt(p[:16]) + cbc.encrypt(bytearray(p[16:]))
    print(hexlify(c))
    buf = bytearray(32)
    d = cryptolib.aes(k, 2, iv)
    print(d.decrypt(c, buf) is buf, buf == p)
for f in (lambda: cryptolib.aes(k, 6, iv), lambda: cryptolib.aes(k[:24], 1), lambda: cryptolib.aes(k, 2),
          lambda: cryptolib.aes(k, 1, b"1"), lambda: cryptolib.aes(k, "1"), lambda: cryptolib.aes(5, 1),
          lambda: d.encrypt(p), lambda: d.decrypt(b"abc"), lambda: d.decrypt(p, bytearray(16)),
          lambda: d.decrypt(p, b"x" * 32), lambda: cryptolib.MODE_CBC, lambda: cryptolib.aes(key=k, mode=1),
          lambda: cryptolib.aes(k, mode=1), lambda: d.decrypt(p, out=buf), lambda: d.decrypt(), lambda: d._id, lambda: dir(d)):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
`,
    );
    expect(lines).toEqual([
      "<module 'cryptolib'> ['aes'] <class 'aes'>",
      "<aes> b'3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf'",
      "b'7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2'",
      "True True",
      "<aes> b'f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870'",
      "b'f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d'",
      "True True",
      "ValueError mode",
      "ValueError key",
      "ValueError IV",
      "ValueError IV",
      "TypeError can't convert str to int",
      "TypeError object with buffer protocol required",
      "ValueError can't encrypt & decrypt",
      "ValueError blksize % 16",
      "ValueError output too small",
      "TypeError object with buffer protocol required",
      expect.stringMatching(/^AttributeError .*MODE_CBC/),
      // no keyword arguments (py/argcheck.c:37-43; make_new :215, the methods :338, :343), and
      // nothing but the type's table (:346-350) on the object
      "TypeError function doesn't take keyword arguments",
      "TypeError function doesn't take keyword arguments",
      "TypeError function doesn't take keyword arguments",
      "TypeError function missing 1 required positional arguments",
      "AttributeError 'aes' object has no attribute '_id'",
      "['__class__', 'decrypt', 'encrypt']", // dir()'s qstr order (src/boards/qstr-order.ts)
    ]);
  });

  it.each([
    // ports/rp2/boards/manifest.py and RPI_PICO_W; ports/esp32/boards/manifest.py (upysh);
    // ports/esp8266/boards/ESP8266_GENERIC/manifest_2MiB.py (upysh, the 2 MiB+ build's manifest)
    ["pico_w", "rp2 dht ds18x20 onewire neopixel", "esp esp32 upysh"],
    ["esp32", "esp esp32 dht ds18x20 onewire neopixel upysh", "rp2"],
    ["esp8266", "esp dht ds18x20 onewire neopixel upysh", "esp32 rp2"],
  ])("%s: has %s; not %s", async (board, present, absent) => {
    const names = [...present.split(" "), ...absent.split(" ")];
    const lines = await printed(board, `for name in ${JSON.stringify(names)}:\n    try:\n        m = __import__(name)\n        print(name, "ok")\n    except ImportError as e:\n        print(e)\n`);
    // upysh prints its help when imported
    expect(lines.filter((l) => / ok$|^no module/.test(l))).toEqual([...present.split(" ").map((n) => `${n} ok`), ...absent.split(" ").map((n) => `no module named '${n}'`)]);
  });

  // py/moderrno.c names MP_Exxx: py/mperrno.h's own numbers where MICROPY_USE_INTERNAL_ERRNO (rp2
  // mpconfigport.h:90, esp8266 :58), the toolchain's errno.h on the ESP32 (mpconfigport.h:70: newlib,
  // ETIMEDOUT 116, EINPROGRESS 119), the numbers its sockets raise (esp32 modsocket.c:361, :717).
  it.each([
    ["pico_w", 110, 115],
    ["esp32", 116, 119],
    ["esp8266", 110, 115],
  ])("%s: errno has the numbers its sockets raise (ETIMEDOUT %i, EINPROGRESS %i)", async (board, timedOut, inProgress) => {
    const script = `import errno, uerrno, socket, network
network.WLAN(network.STA_IF).active(True)
print(errno.ETIMEDOUT, errno.EINPROGRESS, errno.errorcode[errno.ETIMEDOUT], uerrno is errno)
s = socket.socket()
s.bind(('0.0.0.0', 1234))
s.listen(1)
s.settimeout(0.2)
try:
    s.accept()
except OSError as e:
    print(e.errno == errno.ETIMEDOUT)
`;
    expect(await printed(board, script)).toEqual([`${timedOut} ${inProgress} ETIMEDOUT True`, "True"]);
  });

  // py/builtinhelp.c:78-120: the built-in and frozen names, sorted, column-first in 4 columns of 18,
  // then "Plus any modules on the filesystem". The lists: src/boards/firmware-modules.ts (cited there).
  it.each([
    ["pico_w", 69, "__main__          asyncio/__init__  hashlib           rp2", "_rp2 _thread aioble/__init__ bluetooth cmath lwip rp2 _boot_fat", "esp esp32 btree upysh umqtt/simple"],
    ["esp32", 68, "__main__          bluetooth         heapq             select", "_thread esp esp32 btree cmath upysh umqtt/simple aioespnow apa106", "lwip rp2 mpython"],
    ["esp8266", 66, "__main__          collections       machine           ssl", "esp lwip btree upysh umqtt/simple apa102 port_diag ssd1306", "cmath _thread bluetooth esp32"],
    ["mpython", 69, "__main__          btree             io                ssl", "mpython esp esp32 cmath", "lwip rp2"],
  ])("%s: help('modules') lists the firmware's %i modules, not the interpreter's", async (board, count, first, present, absent) => {
    const lines = await printed(board, `help('modules')\n`);
    expect(lines[0]).toBe(first);
    expect(lines.at(-1)).toBe("Plus any modules on the filesystem");
    const names = lines.slice(0, -1).join(" ").split(/ +/);
    expect(names).toHaveLength(count);
    expect(lines).toHaveLength(Math.ceil(count / 4) + 1);
    expect(names).toEqual(expect.arrayContaining(present.split(" ")));
    // the WebAssembly port's own (js, jsffi, pathlib, ...) are none of the boards'
    for (const name of [...absent.split(" "), "js", "jsffi", "pathlib", "datetime", "logging", "tarfile/__init__", "os/path", "html/__init__"]) expect(names).not.toContain(name);
    expect(new Set(names).size).toBe(count);
  });

  it("print(help) is the firmware's C function's <function>, no helper of boardsim's (py/objfun.c:59-128)", async () => {
    expect(await printed("pico_w", `print(help)\n`)).toEqual(["<function>"]);
  });

  it("print(__import__) is the firmware's C function's <function>, no helper of boardsim's (py/objfun.c:59-128)", async () => {
    expect(await printed("esp32", `print(__import__, type(__import__))\n`)).toEqual(["<function> <class 'function'>"]);
  });

  it.each([...BOARDS, "mpython"])("%s: a module the firmware lacks is ImportError unless the student's flash or /lib has it", async (board) => {
    const lines = await printed(
      board,
      `import os
for name in ("pathlib", "datetime", "tarfile", "logging", "os.path", "collections.defaultdict", "cmath", "json", "binascii"):
    try:
        __import__(name)
        print(name, "ok")
    except ImportError as e:
        print(e)
os.mkdir("/lib")
with open("/lib/pathlib.py", "w") as f:
    f.write("X = 'lib'\\n")
with open("/datetime.py", "w") as f:
    f.write("import json\\nX = 'flash'\\n")
import pathlib, datetime
print(pathlib.X, datetime.X, pathlib, datetime)
`,
    );
    // ESP8266: MICROPY_PY_BUILTINS_COMPLEX 0 (ports/esp8266/mpconfigport.h:25), so no cmath
    const cmath = board === "esp8266" ? "no module named 'cmath'" : "cmath ok";
    expect(lines).toEqual([
      ...["pathlib", "datetime", "tarfile", "logging", "os.path", "collections.defaultdict"].map((n) => `no module named '${n}'`),
      cmath,
      "json ok",
      "binascii ok",
      "lib flash <module 'pathlib' from '/lib/pathlib.py'> <module 'datetime' from 'datetime.py'>",
    ]);
  });

  it.each([...BOARDS, "mpython"])("%s: sys.modules holds only modules loaded from .py, never a built-in one", async (board) => {
    const lines = await printed(
      board,
      `import sys
print(sorted(n for n in sys.modules if n != "flashbdev"))
import os, time, gc, machine, socket, select, network, json, io, binascii, collections, micropython, usocket, utime, uos, vfs, dht, asyncio, requests
print(sorted(sys.modules))
print(sys.modules["dht"], io, collections, binascii, os)
import time as t2, io as io2
print(t2 is time, io2 is io, "path" in dir(os))
`,
    );
    // py/builtinimport.c: only a module loaded from a file (frozen or the filesystem) is put in sys.modules
    expect(lines[0]).toBe("[]");
    expect(JSON.parse(lines[1].replace(/'/g, '"'))).toEqual(expect.arrayContaining(["asyncio", "dht", "requests"]));
    const builtin = "os time gc machine socket select network json io binascii collections micropython usocket utime uos vfs sys usys os.path collections.defaultdict".split(" ");
    for (const name of builtin) expect(lines[1]).not.toContain(`'${name}'`);
    expect(lines[2]).toBe("<module 'dht' from 'dht.py'> <module 'io'> <module 'collections'> <module 'binascii'> <module 'os'>");
    expect(lines[3]).toBe("True True False");
  });

  // py/objmodule.c:176-200 (mp_module_get_builtin): `u` + the name of a module registered with
  // MP_REGISTER_EXTENSIBLE_MODULE imports that built-in module (machine: extmod/modmachine.c:254), usys
  // sys; network (extmod/modnetwork.c:179), gc, math, micropython, vfs are MP_REGISTER_MODULE: no u-name.
  it.each(BOARDS)("%s: umachine, utime, ujson, uio, ... are the built-in modules themselves; unetwork, ugc are ImportError", async (board) => {
    const lines = await printed(
      board,
      `import machine, umachine, time, utime, socket, usocket, select, uselect, os, uos, sys, usys, json, ujson, io, uio, errno, uerrno, collections, ucollections, binascii, ubinascii, struct, ustruct
print(umachine is machine, utime is time, usocket is socket, uselect is select, uos is os, usys is sys, ujson is json, uio is io, uerrno is errno, ucollections is collections, ubinascii is binascii, ustruct is struct)
from umachine import Pin
print(Pin is machine.Pin, umachine, "umachine" in sys.modules)
for name in ("unetwork", "ugc", "umath", "umicropython", "uvfs", "umachine.Pin"):
    try:
        __import__(name)
        print(name, "ok")
    except ImportError as e:
        print(e)
print(sorted(dir(io)))
print(sorted(dir(collections)))
print(sorted(dir(binascii)))
`,
    );
    expect(lines).toEqual([
      Array(12).fill("True").join(" "),
      "True <module 'machine'> False",
      ...["unetwork", "ugc", "umath", "umicropython", "uvfs", "umachine.Pin"].map((n) => `no module named '${n}'`),
      // the firmware's C tables (py/modio.c:205-220, py/modcollections.c:31-40, extmod/modbinascii.c:186-197),
      // not the interpreter's .py halves over them (io.SEEK_SET, collections.defaultdict, binascii.PAD).
      // UNVERIFIED gap: the ESP32 has io.BufferedWriter too (ports/esp32/mpconfigport.h:79), boardsim not.
      "['BytesIO', 'IOBase', 'StringIO', '__class__', '__dict__', '__name__', 'open']",
      "['OrderedDict', '__class__', '__dict__', '__name__', 'deque', 'namedtuple']",
      // the ESP8266's without crc32 (MICROPY_PY_BINASCII_CRC32 off: ports/esp8266/mpconfigport.h:42, modbinascii.c:194-196)
      `['__class__', '__dict__', '__name__', 'a2b_base64', 'b2a_base64', ${board === "esp8266" ? "" : "'crc32', "}'hexlify', 'unhexlify']`,
    ]);
  });

  // py/builtinimport.c:366-413 (process_import_at_level): sys.modules first, then a built-in module
  // that is not extensible, then the filesystem, then an extensible built-in one; a module loaded
  // from a file is put in sys.modules (:464-467). json (extmod/modjson.c:384) and time
  // (extmod/modtime.c:234) are extensible, gc (py/modgc.c:123) and network (extmod/modnetwork.c:179) not.
  it.each([...BOARDS, "mpython"])("%s: the student's json.py (and /lib/time.py) shadows the built-in module and is in sys.modules; gc.py and network.py do not", async (board) => {
    const lines = await printed(
      board,
      `import sys, os
for name in ("json", "gc", "network"):
    with open(name + ".py", "w") as f:
        f.write("X = 'mine'\\n")
os.mkdir("/lib")
with open("/lib/time.py", "w") as f:
    f.write("X = 'lib'\\n")
import json, gc, network, time, ujson, utime
print(json, json.X, json is sys.modules["json"])
print(time, time.X, time is sys.modules["time"])
print(gc, hasattr(gc, "X"), network, hasattr(network, "X"), "gc" in sys.modules, "network" in sys.modules)
print(ujson.dumps([1]), ujson is json, utime.ticks_ms() >= 0)
import json as again
print(again is json)
del sys.modules["json"]
os.remove("json.py")
import json
print(json, json.dumps({}), "json" in sys.modules)
`,
    );
    expect(lines).toEqual([
      "<module 'json' from 'json.py'> mine True",
      "<module 'time' from '/lib/time.py'> lib True",
      "<module 'gc'> False <module 'network'> False False False",
      "[1] False True",
      "True",
      "<module 'json'> {} False",
    ]);
  });

  // py/builtinimport.c:117-152 (stat_top_level): the sys.path entries in order, ".frozen" the
  // firmware's frozen modules (:57-70); sys.path is "" and ".frozen" (py/runtime.c:140-144), then
  // /lib (ports/rp2/main.c:153, ports/esp32/main.c:130), and on the ESP8266 /lib and /
  // (ports/esp8266/main.c:58-59). So a file in the current directory shadows a frozen module, one
  // in /lib does not; umqtt is frozen on the ESP32 and ESP8266 only (their manifests), not the Pico W.
  it.each([...BOARDS, "mpython"])("%s: the student's dht.py and asyncio/ shadow the frozen modules, /lib/neopixel.py and /lib/umqtt/ only where not frozen", async (board) => {
    const lines = await printed(
      board,
      `import sys, os
os.mkdir("/lib")
os.mkdir("/asyncio")
os.mkdir("/lib/umqtt")
for path in ("dht.py", "asyncio/__init__.py", "/lib/neopixel.py", "/lib/umqtt/simple.py", "requests.py"):
    with open(path, "w") as f:
        f.write("X = 'mine'\\n")
import dht, asyncio, neopixel, umqtt.simple, requests
for m in (dht, asyncio, neopixel, umqtt.simple, requests):
    print(m, getattr(m, "X", "-"))
print(dht is sys.modules["dht"])
del sys.modules["dht"]
os.remove("dht.py")
import dht
print(dht, hasattr(dht, "DHT11"))
sys.path.remove(".frozen")
del sys.modules["neopixel"]
import neopixel
print(neopixel)
try:
    import ds18x20
except ImportError as e:
    print(e)
`,
    );
    const umqtt = board === "pico_w" ? "<module 'umqtt.simple' from '/lib/umqtt/simple.py'> mine" : "<module 'umqtt.simple' from 'umqtt/simple.py'> -";
    expect(lines).toEqual([
      "<module 'dht' from 'dht.py'> mine",
      "<module 'asyncio' from 'asyncio/__init__.py'> mine",
      "<module 'neopixel' from 'neopixel.py'> -",
      umqtt,
      "<module 'requests' from 'requests.py'> mine",
      "True",
      "<module 'dht' from 'dht.py'> True",
      // without ".frozen" on sys.path no frozen module is found (py/builtinimport.c:57-70 only there)
      "<module 'neopixel' from '/lib/neopixel.py'>",
      "no module named 'ds18x20'",
    ]);
  });

  it.each([
    ["pico_w", "['', '.frozen', '/lib']", "<module 'json'>"],
    ["esp32", "['', '.frozen', '/lib']", "<module 'json'>"],
    // the entry, "/" and the name (py/builtinimport.c:131-136)
    ["esp8266", "['', '.frozen', '/lib', '/']", "<module 'json' from '//json.py'>"],
  ])("%s: sys.path is the port's (ESP8266: / last, ports/esp8266/main.c:59): a /json.py imports from another directory only there", async (board, path, json) => {
    const lines = await printed(
      board,
      `import sys, os
print(sys.path)
with open("json.py", "w") as f:
    f.write("X = 1\\n")
with open("dht.py", "w") as f:
    f.write("X = 1\\n")
os.mkdir("sub")
os.chdir("sub")
import json, dht
print(json)
print(dht, hasattr(dht, "X"))
`,
    );
    expect(lines).toEqual([path, json, "<module 'dht' from 'dht.py'> False"]);
  });

  // py/builtinimport.c:117-152 stat_top_level stops at the first directory of the name
  // (MP_IMPORT_STAT_DIR); :478-495 make it a package (its __path__) and run its __init__.py only
  // "if available": a folder without one is a namespace package, found before an extensible
  // built-in module (:394-413) as a file is, and before a frozen one where its entry comes first.
  it.each([...BOARDS, "mpython"])("%s: a folder without __init__.py (time/, /lib/json/, dht/) is a namespace package that shadows the module as a file does", async (board) => {
    const lines = await printed(
      board,
      `import sys, os
for path in ("/time", "/lib", "/lib/json", "/dht"):
    os.mkdir(path)
with open("/dht/extra.py", "w") as f:
    f.write("X = 'mine'\\n")
import time, json, dht, utime, ujson
print(time, time.__path__, hasattr(time, "sleep"), time is sys.modules["time"])
print(json, json.__path__, hasattr(json, "dumps"))
from dht import extra
print(dht, dht.__path__, extra.X, extra)
print(utime.ticks_ms() >= 0, ujson.dumps([1]))
`,
    );
    expect(lines).toEqual([
      "<module 'time'> time False True",
      "<module 'json'> /lib/json False",
      "<module 'dht'> dht mine <module 'dht.extra' from 'dht/extra.py'>",
      "True [1]",
    ]);
  });

  // The frozen umqtt has no __init__: import finds the folder at ".frozen/umqtt", a namespace
  // package whose __path__ is that path (py/builtinimport.c:117-152, 494-498; py/frozenmod.c:122-125
  // a name followed by "/" is a folder); its submodules import from it, after it too.
  it.each(["esp32", "esp8266"])("%s: the frozen umqtt's __path__ is .frozen/umqtt, its submodules import after it", async (board) => {
    expect(await printed(board, `import umqtt.simple\nprint(umqtt, umqtt.__path__)\nfrom umqtt import robust\nimport umqtt.robust as again\nprint(robust, again is robust, umqtt.__path__)\n`)).toEqual([
      "<module 'umqtt'> .frozen/umqtt",
      "<module 'umqtt.robust' from 'umqtt/robust.py'> True .frozen/umqtt",
    ]);
  });

  // The frozen packages asyncio, requests and mip (extmod/asyncio/manifest.py; micropython-lib's
  // requests/__init__.py, mip/__init__.py) are folders at ".frozen/<name>" (py/builtinimport.c:494-498).
  it.each([...BOARDS, "mpython"])("%s: the frozen packages asyncio, requests and mip have the firmware's __path__", async (board) => {
    expect(await printed(board, `import asyncio, requests, mip\nprint(asyncio.__path__, requests.__path__, mip.__path__)\n`)).toEqual([
      ".frozen/asyncio .frozen/requests .frozen/mip",
    ]);
  });

  // extmod/asyncio/manifest.py freezes the package's files (task.py is the C _asyncio): __init__.py
  // runs `from .core import *` (__init__.py:4), so asyncio.core is its attribute and in sys.modules
  // (py/builtinimport.c:522), each file's __file__ its own; core.py:4-5 imports time, sys and select,
  // names asyncio then has too. Its other modules load at the first use of one of their names
  // (__init__.py:8-31, a module __getattr__); dir(asyncio) uses them all (py/modbuiltins.c
  // mp_builtin_dir). `from asyncio import lock` before then: the package's __getattr__ raises
  // AttributeError, which py/runtime.c:1537 mp_import_from does not catch.
  it.each([...BOARDS, "mpython"])("%s: asyncio is the frozen package: asyncio.core and its siblings import, with their files, the siblings at first use; core's names", async (board) => {
    expect(
      await printed(
        board,
        `import asyncio.core, sys, time, select
try:
    from asyncio import lock
except AttributeError as e:
    print("AttributeError", e)
print(sorted(n for n in sys.modules if n.startswith("asyncio")))
from asyncio.core import sleep_ms
import asyncio.lock
from asyncio import core, lock
print(asyncio.core, core.__file__, lock.__file__, asyncio.__version__)
print(sleep_ms is asyncio.sleep_ms, asyncio.Lock is lock.Lock, asyncio.ticks is time.ticks_ms, asyncio.select is select, asyncio.core.sys is sys)
print(sorted(n for n in sys.modules if n.startswith("asyncio")))
print(sorted(n for n in dir(asyncio) if not n.startswith("_") and n not in ("event", "funcs", "stream")))
print(sorted(n for n in sys.modules if n.startswith("asyncio")))
`,
      ),
    ).toEqual([
      "AttributeError lock",
      "['asyncio', 'asyncio.core']",
      "<module 'asyncio.core' from 'asyncio/core.py'> asyncio/core.py asyncio/lock.py (3, 0, 0)",
      "True True True True True",
      "['asyncio', 'asyncio.core', 'asyncio.lock']",
      // core's public names (core.py), __init__.py's _attrs names, the modules loaded before dir().
      // UNVERIFIED: whether dir() lists event, funcs and stream, set while it runs, depends on the
      // order of the firmware's qstrs (it probes each once, in their order): left out here.
      "['CancelledError', 'Event', 'Lock', 'Loop', 'SingletonGenerator', 'StreamReader', 'StreamWriter', 'Task', 'TaskQueue', 'ThreadSafeFlag', 'TimeoutError', " +
        "'core', 'create_task', 'cur_task', 'current_task', 'gather', 'get_event_loop', 'lock', 'new_event_loop', 'open_connection', " +
        "'run', 'run_until_complete', 'select', 'sleep', 'sleep_ms', 'start_server', 'sys', 'ticks', 'ticks_add', 'ticks_diff', 'wait_for', 'wait_for_ms']",
      "['asyncio', 'asyncio.core', 'asyncio.event', 'asyncio.funcs', 'asyncio.lock', 'asyncio.stream']",
    ]);
  });

  // core.py:4 `from time import ticks_ms as ticks, ...` runs the script's search, where a file of the
  // student's stands in for the extensible time (py/builtinimport.c:394-413): asyncio's clock is then hers.
  it.each(["esp32", "esp8266"])("%s: a student's time.py is the one asyncio.core imports", async (board) => {
    expect(
      await printed(
        board,
        `with open("time.py", "w") as f:
    f.write("print('my time')\\nfrom utime import *\\n")
import asyncio, time
print(asyncio.ticks is time.ticks_ms, time)
`,
      ),
    ).toEqual(["my time", "True <module 'time' from 'time.py'>"]);
  });

  // A frozen module's own import runs the script's search (py/builtinimport.c:366-413): mip's
  // `import requests` (micropython-lib mip/__init__.py:5) finds the student's requests.py in "" before
  // ".frozen". Its u-names force the built-in modules (py/objmodule.c:176-200): umqtt.simple's
  // `import usocket as socket` (umqtt/simple.py:1) is never a student's socket.py; asyncio imports
  // socket only in open_connection/start_server (extmod/asyncio/stream.py:101, 180). (Not asyncio on
  // the ESP8266: there, after a file is written, importing it runs out of heap, on main too.)
  it.each([...BOARDS, "mpython"])("%s: the frozen mip imports the student's requests.py; umqtt and asyncio not the student's socket.py", async (board) => {
    const lines = await printed(
      board,
      `for name in ("requests", "socket"):
    with open(name + ".py", "w") as f:
        f.write("print('imported', __name__)\\nX = 'mine'\\n")
import mip${board === "esp8266" ? "" : ", asyncio"}
print(mip.requests, mip.requests.X)
try:
    import umqtt.simple
    print(umqtt.simple.socket)
except ImportError as e:
    print(e)
`,
    );
    expect(lines).toEqual([
      "imported requests",
      "<module 'requests' from 'requests.py'> mine",
      { pico_w: "no module named 'umqtt'", esp8266: "<module 'lwip'>" }[board] ?? "<module 'socket'>",
    ]);
  });

  // A frozen .mpy's __file__ is its path without ".frozen/" (py/builtinimport.c:229; "frozentest.py"
  // in tests/ports/unix/extra_coverage.py:99-101, .exp:216); a package's is its __init__.py.
  it("frozen modules show their manifest's path, built-in ones none (v1.23 frozen manifests)", async () => {
    expect(await printed("esp32", `import dht, machine, esp, time, asyncio, requests, umqtt.simple\nprint(dht, machine, esp, time)\nprint(asyncio, requests, umqtt.simple)\n`)).toEqual([
      "<module 'dht' from 'dht.py'> <module 'machine'> <module 'esp'> <module 'time'>",
      "<module 'asyncio' from 'asyncio/__init__.py'> <module 'requests' from 'requests/__init__.py'> <module 'umqtt.simple' from 'umqtt/simple.py'>",
    ]);
  });

  it.each(BOARDS)("%s: dht and ds18x20 read what the test set; neopixel's colours reach the test", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "b",
      board,
      fileName: "main.py",
      source: `import dht, ds18x20, onewire, neopixel, time
from machine import Pin
d = dht.DHT22(Pin(4))
d.measure()
print(d.temperature(), d.humidity())
d11 = dht.DHT11(Pin(5))
d11.measure()
print(d11.temperature(), d11.humidity())
ds = ds18x20.DS18X20(onewire.OneWire(Pin(12)))
roms = ds.scan()
ds.convert_temp()
time.sleep_ms(750)
print(len(roms), [ds.read_temp(r) for r in roms], hex(roms[0][0]), ds.ow.crc8(roms[0]))
np = neopixel.NeoPixel(Pin(13), 2)
np[0] = (255, 0, 0)
np[1] = (0, 8, 16)
np.write()
try:
    dht.DHT11(Pin(14)).measure()
except OSError as e:
    print(e)
`,
    });
    b.setDht(4, -3.26, 48.16);
    b.setDht(5, 21.7, 40);
    b.setDs18x20(12, [21.5, 19.03]);
    await b.finished();
    const etimedout = board === "esp32" ? "[Errno 116] ETIMEDOUT" : "[Errno 110] ETIMEDOUT";
    // onewire.py's SEARCH ROM takes the 1 branch at the first collision (_search_rom, diff = 65):
    // the second sensor's ROM code (serial byte 1) is found first.
    expect(b.lines().slice(2)).toEqual(["-3.3 48.2", "21 40", "2 [19.0, 21.5] 0x28 0", etimedout]);
    expect(b.neopixels(13)).toEqual([
      [255, 0, 0],
      [0, 8, 16],
    ]);
  });

  it("esp32: esp and esp32 calls tutorials make", async () => {
    expect(await printed("esp32", `import esp, esp32\nesp.osdebug(None)\nprint(esp.flash_size(), esp.LOG_INFO)\nnvs = esp32.NVS("app")\nnvs.set_i32("boots", 3)\nprint(nvs.get_i32("boots"))\ntry:\n    nvs.get_i32("nope")\nexcept OSError as e:\n    print(e)\n`)).toEqual([
      "4194304 3",
      "3",
      "-4354",
    ]);
  });

  it("pico_w: rp2.country() and rp2.bootsel_button() (ports/rp2/modrp2.c:92-96)", async () => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({ name: "b", board: "pico_w", fileName: "main.py", source: `import rp2, time\nrp2.country("GB")\nprint(rp2.country(), rp2.bootsel_button())\nwhile not rp2.bootsel_button():\n    time.sleep_ms(10)\nprint("pressed")\n` });
    lab.at(100, () => b.setPin("BOOTSEL", 1));
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["GB 0", "pressed"]);
  });
});

describe("no boardsim internals reach a script (item 7)", () => {
  const INTERNAL = /_host|_boardsim|_time\b|_gc\b|_sys\b|_os\b|_attrtuple|\/boardsim\/|Emscripten|JS with|webassembly|pyscript|jsffi|\bjs\b|stream operation not supported/;

  // The bridge's public names (src/emulator/micropython/guest/_host.py, _hostdata.py): a guest module
  // imports them under private names, so a script's dir() never lists them (issue 12 item 7).
  const BRIDGE = new Set(
    ["_host.py", "_hostdata.py"]
      .flatMap((file) => [...readFileSync(new URL(`../src/emulator/micropython/guest/${file}`, import.meta.url), "utf8").matchAll(/^(?:def (\w+)|(\w+(?:, \w+)*) =)/gm)])
      .flatMap((m) => (m[1] ?? m[2]).split(", "))
      .filter((name) => !name.startsWith("_")),
  );

  // The library's own modules: a script's import of one is ImportError whether or not the library
  // has loaded it (vfs.VfsFat's driver at its first use, tls's streams), and sys.modules never
  // holds one (py/builtinimport.c keeps there only modules loaded from a file).
  it.each([...BOARDS, "mpython"])("%s: the library's private modules are never in sys.modules nor importable, before or after it loads them", async (board) => {
    const lines = await printed(
      board,
      `import sys, vfs
print(sorted(sys.modules))
class Blank:
    def readblocks(self, n, buf):
        buf[:] = bytes(len(buf))
    def writeblocks(self, n, buf):
        pass
    def ioctl(self, op, arg):
        return 64 if op == 4 else 512 if op == 5 else 0
try:
    vfs.mount(vfs.VfsFat(Blank()), "/blank")
except OSError:
    pass
import tls
print(sorted(sys.modules))
for name in ("_vfs_fat", "_errno", "_stream", "_modmicropython"):
    try:
        __import__(name)
        print("imported", name)
    except ImportError as e:
        print(e)
`,
    );
    expect(lines).toEqual(["[]", "[]", "no module named '_vfs_fat'", "no module named '_errno'", "no module named '_stream'", "no module named '_modmicropython'"]);
  });

  // The firmware's C modules list only their table's names (e.g. extmod/modvfs.c v1.23.0:37-60):
  // no private name of the library's code behind them (vfs listed `_ScriptVfs`, `_flash`, `io`).
  it.each([...BOARDS, "mpython"])("%s: dir() of the built-in modules shows no private name", async (board) => {
    const lines = await printed(
      board,
      `import sys, os, time, gc, machine, socket, network, vfs, select, micropython
for m in (sys, os, time, gc, machine, socket, network, vfs, select, micropython):
    print(m.__name__, [n for n in dir(m) if n[:1] == "_" and n[:2] != "__" or n == "io"])
print(dir(vfs))
`,
    );
    const socket = board === "pico_w" || board === "esp8266" ? "lwip" : "socket"; // extmod/modlwip.c v1.23.0:1825
    expect(lines).toEqual([...["sys", "os", "time", "gc", "machine", socket, "network", "vfs", "select", "micropython"].map((name) => `${name} []`), "['__class__', '__name__', '__dict__', 'mount', 'umount', 'VfsFat']"]);
  });

  it.each([...BOARDS, "mpython"])("%s: reprs, dir() of every module, tracebacks and import errors show only the firmware's names", async (board) => {
    const b = await run(
      board,
      `import sys, os, time, gc, machine, socket, network
mods = [sys, os, time, gc, machine, socket, network]
for name in ("usocket", "select", "uselect", "asyncio", "uasyncio", "requests", "urequests", "ntptime", "mip", "ssl", "dht", "ds18x20", "onewire", "neopixel", "upysh", "esp", "esp32", "rp2", "mpython", "umqtt.simple", "umqtt.robust"):
    try:
        m = __import__(name)
        mods.append(getattr(m, name.split(".")[1]) if "." in name else m)
    except ImportError:
        pass
for m in mods:
    print(repr(m), dir(m))
    print("DIR", m.__name__, " ".join(sorted(n for n in dir(m) if not n.startswith("_") and not n.isupper())))
print(sys.implementation, sys.version, sys.platform, sys.path, os.uname(), list(sys.modules))
print(repr(machine.Pin(2)), repr(machine.RTC()), repr(machine.Timer), repr(time.sleep))
for name in ("_host", "_hostdata", "js", "jsffi", "_time"):
    try:
        __import__(name)
    except ImportError as e:
        print(e)
def boom():
    machine.Pin(99)
try:
    boom()
except ValueError as e:
    sys.print_exception(e)
time.sleep("x")
`,
    );
    const out = b.output();
    const dirs = b.lines().filter((line) => line.startsWith("DIR "));
    expect(dirs.length).toBeGreaterThanOrEqual(20);
    // socket and network list their functions and classes only, none of the bridge's (call, info, buffer, ...)
    expect(dirs).toContain(`DIR ${board === "pico_w" || board === "esp8266" ? "lwip" : "socket"} getaddrinfo socket`);
    // the port's functions (extmod/modnetwork.c:148-158): country/hostname from v1.20, ipconfig and route on rp2 only
    expect(dirs).toContain({ pico_w: "DIR network country hostname ipconfig route", esp32: "DIR network country hostname", esp8266: "DIR network country hostname", mpython: "DIR network " }[board]);
    const named = dirs.flatMap((line) => line.split(" ").slice(2).map((name) => `${line.split(" ")[1]}.${name}`));
    // gc.collect and machine.soft_reset are the firmware's own names that the bridge shares
    expect(named.filter((name) => BRIDGE.has(name.split(".")[1]) && !["gc.collect", "machine.soft_reset"].includes(name))).toEqual([]);
    expect(BRIDGE.has("call") && BRIDGE.has("info") && BRIDGE.has("buffer")).toBe(true);
    expect(out).toContain("no module named '_host'");
    expect(out).toContain("no module named '_hostdata'");
    expect(out).toContain("no module named 'js'");
    expect(out).toContain("TypeError: can't convert str to float");
    // a script that names an internal module sees it refused as the firmware would: nothing else may show one
    expect(out.replace(/no module named '\w+'/g, "").match(INTERNAL)).toBeNull();
    expect(b.result).toMatchObject({ kind: "raised", pyType: "TypeError" });
  });

  // The firmware's module tables (v1.23.0): dir() lists __class__ and a module's __dict__
  // (py/objmodule.c:70, MICROPY_CPYTHON_COMPAT) beside them. Not simulated, so not listed: modlwip's
  // reset, callback, print_pcbs; esp32 socket's __init__.
  const MODULE = ["__class__", "__dict__", "__name__"];
  const TIME = ["gmtime", "localtime", "mktime", "time", "time_ns", "sleep", "sleep_ms", "sleep_us", "ticks_ms", "ticks_us", "ticks_cpu", "ticks_add", "ticks_diff"]; // extmod/modtime.c:199-222
  const SELECT = ["select", "poll", "POLLIN", "POLLOUT", "POLLERR", "POLLHUP"]; // extmod/modselect.c:655-665
  const SOCKET = ["getaddrinfo", "socket", "AF_INET", "AF_INET6", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOL_SOCKET", "SO_REUSEADDR", "SO_BROADCAST", "IPPROTO_IP", "IP_ADD_MEMBERSHIP", "IPPROTO_TCP", "TCP_NODELAY"];
  const MODLWIP = [...SOCKET, "IP_DROP_MEMBERSHIP"]; // extmod/modlwip.c:1824-1855
  const ESP32_SOCKET = [...SOCKET, "IPPROTO_UDP", "SO_BINDTODEVICE"]; // ports/esp32/modsocket.c:989-1009
  const sorted = (names: string[]) => [...MODULE, ...names].sort().join(" ");
  // The socket type's locals table, which socket.socket.__dict__ is (py/objtype.c v1.23.0 type_attr
  // 1021-1035: a C type's fixed map itself, in its order), but for __del__ (not simulated: a Python
  // __del__ would run at collections).
  const MODLWIP_TYPE = ["close", "bind", "listen", "accept", "connect", "send", "recv", "sendto", "recvfrom", "sendall", "settimeout", "setblocking", "setsockopt", "makefile", "read", "readinto", "readline", "write"]; // extmod/modlwip.c:1632-1653
  const ESP32_TYPE = ["close", "bind", "listen", "accept", "connect", "send", "sendall", "sendto", "recv", "recvfrom", "setsockopt", "settimeout", "setblocking", "makefile", "fileno", "read", "readinto", "readline", "write"]; // ports/esp32/modsocket.c:880-902

  it.each([
    ["pico_w", MODLWIP, MODLWIP_TYPE],
    ["esp8266", MODLWIP, MODLWIP_TYPE],
    ["esp32", ESP32_SOCKET, ESP32_TYPE],
    ["mpython", ESP32_SOCKET, ESP32_TYPE],
  ])("%s: dir() of time, select and socket is the firmware's table; network, machine, sys and os list no helper; socket.socket.__dict__ the type's table", async (board, socket, type) => {
    const lines = await printed(
      board,
      `import time, select, socket, network, machine, sys, os
for m in (time, select, socket, network, machine, sys, os):
    print(" ".join(sorted(dir(m))))
print(network.WLAN.PM_NONE == network.WLAN.PM_NONE)
print(" ".join(socket.socket.__dict__))
try:
    socket.socket.x = 1
except AttributeError:
    print("fixed", socket.socket.__dict__ is socket.socket.__dict__)
`,
    );
    expect(lines.slice(0, 3)).toEqual([sorted(TIME), sorted(SELECT), sorted(socket)]);
    // network, machine, sys, os: boardsim has a subset of the firmware's names; none of its own
    expect(lines.slice(3, 7).flatMap((line) => line.split(" ")).filter((name) => name.startsWith("_") && !MODULE.includes(name))).toEqual([]);
    // PM_NONE is WLAN's (extmod/network_cyw43.c:551, ports/esp32/network_wlan.c:747), not the module's
    expect([lines[3].includes("PM_NONE"), lines[7]]).toEqual([false, "True"]);
    // The table's names in its order, then the library's __init__ and __repr__ (the C type's make_new
    // and print slots); a fixed map, which refuses a store (py/objtype.c 1066-1070). Was: hash order,
    // with _READ and _READLINE (the host calls' names).
    const names = lines[8]!.split(" ");
    expect([names.slice(0, type.length), names.slice(type.length).sort(), lines[9]]).toEqual([type, ["__init__", "__repr__"], "fixed True"]);
  });

  // py/modmicropython.c:169-206 with the ports' config (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES,
  // MICROPY_ENABLE_EMERGENCY_EXCEPTION_BUF: ports/rp2/mpconfigport.h:84, esp32:64, esp8266:56; no
  // PYSTACK nor HEAP_LOCKED, py/mpconfig.h:1294)
  it.each(BOARDS)("%s: dir(micropython) is the firmware's table, none of the library's helpers", async (board) => {
    expect(await printed(board, `import micropython\nprint(" ".join(sorted(dir(micropython))))\nprint(micropython.alloc_emergency_exception_buf(100))\n`)).toEqual([
      sorted(["alloc_emergency_exception_buf", "const", "heap_lock", "heap_unlock", "kbd_intr", "mem_info", "opt_level", "qstr_info", "schedule", "stack_use"]),
      "None",
    ]);
  });

  // py/modgc.c:103-114 (threshold: MICROPY_GC_ALLOC_THRESHOLD, py/mpconfig.h:199-200, on from the core features up)
  it.each(BOARDS)("%s: dir(gc) is the firmware's table, none of the library's helpers", async (board) => {
    expect(await printed(board, `import gc\nprint(" ".join(sorted(dir(gc))))\nprint(gc.threshold(), gc.isenabled(), gc.mem_free() > 0)\n`)).toEqual([
      sorted(["collect", "disable", "enable", "isenabled", "mem_free", "mem_alloc", "threshold"]),
      "-1 True True",
    ]);
  });
});

describe("the same port modules from a TS script (machine, time, sys)", () => {
  it.each([
    ["pico_w", "26", "False"],
    ["esp32", "34", "True"],
    ["esp8266", "0", "True"],
  ])("%s: ADC(id) is the same object for the same channel as the .py board's (machine_adc.c make_new)", async (board, id, same) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({ name: "b", board, source: `import machine from "machine";\nprint(machine.ADC(${id}) === machine.ADC(${id}));\n` });
    await b.finished();
    expect(b.lines().slice(2)).toEqual([same]);
  });

  it("esp32: ADC read_uv(), atten(), width(), block() and ADCBlock as the .py board's (the host's calibration, host/esp32_adc_cal.ts)", async () => {
    // The same readings as the .py test above ("read_u16(), read() and read_uv() come from one raw reading"):
    // ports/esp32/machine_adc.c v1.23.0:206-233, adc.c:82-92, machine_adc_block.c:34-46, extmod/machine_adc_block.c:70, 104-107.
    const lines = await esp32AdcLines(
      "main.ts",
      `import machine from "machine";
const { ADC, ADCBlock, Pin } = machine as any;
const a = ADC(Pin(34));
print(a.read(), a.read_u16(), a.read_uv());
a.atten(ADC.ATTN_11DB);
a.width(ADC.WIDTH_10BIT);
const block = a.block();
print(block, a.read(), a.read_u16(), a.read_uv(), block === ADCBlock(0), ADC(Pin(4)).block());
print(ADC(Pin(35)).read_u16(), ADC(Pin(35), { atten: ADC.ATTN_11DB }).read_uv());
ADCBlock(0, { bits: 12 });
print(block, block.connect(6), block.connect(Pin(39)), block.connect(7, Pin(35), { atten: ADC.ATTN_6DB }));
for (const f of [() => ADCBlock(2), () => block.connect(8), () => block.connect(7, Pin(34)), () => a.atten(4)]) {
  try {
    f();
  } catch (e) {
    print((e as Error).name, str(e));
  }
}
`,
    );
    expect(lines).toEqual([...ESP32_ADC_LINES, "ValueError invalid block id", "ValueError no matching ADC", "ValueError no matching ADC", "ValueError invalid atten"]);
  });

  it("pico_w: ADC has no read_uv() (MICROPY_PY_MACHINE_ADC_READ_UV is the ESP32's only), nor machine.ADCBlock", async () => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "b",
      board: "pico_w",
      source: `import machine from "machine";\ntry {\n  (machine.ADC(26) as any).read_uv();\n} catch (e) {\n  print((e as Error).name, str(e));\n}\nprint("ADCBlock" in machine);\n`,
    });
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["AttributeError 'ADC' object has no attribute 'read_uv'", "False"]);
  });

  it.each([
    ["pico_w", "26", "TypeError function doesn't take keyword arguments"],
    ["esp32", "34", "TypeError extra keyword arguments given"],
  ])("%s: a TS script's ADC options are the .py board's keywords (Pico W takes none, ESP32 atten only)", async (board, id, expected) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "b",
      board,
      source: `import machine from "machine";
try {
  (machine.ADC as any)(${id}, ${board === "pico_w" ? "{ atten: 3 }" : "{ width: 1 }"});
} catch (e) {
  print((e as Error).name, str(e));
}
`,
    });
    await b.finished();
    expect(b.lines().slice(2)).toEqual([expected]);
  });

  it("mpython: a TS script's ADC has no init(), read_uv() nor block(), machine no ADCBlock (its ESP32 build's, as the .py board's)", async () => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "b",
      board: "mpython",
      source: `import machine from "machine";
for (const name of ["init", "read_uv", "block"]) {
  try {
    (machine.ADC(34) as any)[name]();
  } catch (e) {
    print((e as Error).name, str(e));
  }
}
print("ADCBlock" in machine);
`,
    });
    await b.finished();
    expect(b.lines().slice(2)).toEqual([
      "AttributeError 'ADC' object has no attribute 'init'",
      "AttributeError 'ADC' object has no attribute 'read_uv'",
      "AttributeError 'ADC' object has no attribute 'block'",
      "False",
    ]);
  });

  it.each([...BOARDS, "mpython"])("%s: sys.version and sys.implementation name the firmware, not the engine", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({ name: "b", board, source: `import sys from "sys";\nprint(sys.version);\nprint(JSON.stringify(sys.implementation));\n` });
    await b.finished();
    const [version, implementation] = b.lines().slice(-2);
    expect(version).toMatch(/^3\.4\.0; MicroPython v\d+\.\d+\.\d+ on \d{4}-\d\d-\d\d$/);
    expect(JSON.parse(implementation)).toMatchObject({ name: "micropython", version: [1, 23, 0, ""] });
    expect(version + implementation).not.toMatch(/Emscripten|JS with|webassembly|quickjs|boardsim/i);
  });

  it.each([
    ["pico_w", "-1", 26, "rp2", "1609459200", "(1970, 1, 1, 0, 0, 0, 3, 1)", "Pin(GPIO2, mode=OUT) 1", "<ADC channel=0> 1234"],
    ["esp32", "0", 34, "esp32", "0", "(2000, 1, 1, 0, 0, 0, 5, 1)", "Pin(2) 1", "ADC(Pin(34), atten=0) 1232"],
  ])("%s: sys.platform, the epoch, Pin, ADC, RTC, a Timer on the board's clock", async (board, timer, adcPin, platform, now, epoch, pin, adc) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "b",
      board,
      source: `import machine from "machine";
import time from "time";
import sys from "sys";
print(sys.platform, time.time(), time.gmtime(0));
const led = machine.Pin(2, machine.Pin.OUT);
led.on();
print(led, led.value());
const calls: number[] = [];
const t = machine.Timer(${timer}, { period: 100, mode: machine.Timer.PERIODIC, callback: () => calls.push(time.ticks_ms()) });
time.sleep(1);
t.deinit();
print(calls.length, calls[0]);
const rtc = machine.RTC();
rtc.datetime([2030, 1, 2, 0, 3, 4, 5, 0]);
print(rtc.datetime(), time.localtime());
print(machine.ADC(${adcPin}), machine.ADC(${adcPin}).read_u16());
try {
  machine.Pin(99);
} catch (e) {
  print(repr(e));
}`,
    });
    b.setAdc(adcPin, 1234);
    await b.finished();
    expect(b.lines().slice(2)).toEqual([
      `${platform} ${now} ${epoch}`,
      pin,
      "10 100",
      "(2030, 1, 2, 2, 3, 4, 5, 0) (2030, 1, 2, 3, 4, 5, 2, 2)",
      adc,
      "ValueError('invalid pin')",
    ]);
    expect(b.pin(2)).toEqual({ mode: "OUT", value: 1 });
  });
});
