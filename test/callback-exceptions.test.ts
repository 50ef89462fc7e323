/**
 * An exception a Timer or Pin.irq callback does not catch is printed and the script goes on, as
 * the firmware's scheduler runs soft callbacks: py/runtime_utils.c:30-40 mp_call_function_1_protected
 * catches every exception, SystemExit and KeyboardInterrupt too, and prints it (mp_obj_print_exception).
 * Ctrl-C while a callback waits raises KeyboardInterrupt in that wait (py/scheduler.c:224-235
 * mp_handle_pending) and the wait the callback ran inside goes on to its own deadline. In the
 * board's clock, so the times printed are exact.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Lab } from "../src/testing/index.ts";

const TIMER = { pico_w: -1, esp32: 0, esp8266: -1 } as const;
const BOARDS = Object.keys(TIMER) as (keyof typeof TIMER)[];

let lab: Lab;
afterEach(() => lab.close());

/** The lines after the banner, each time rounded to 10 ms: a busy-loop poll (1 ms of the board's clock, counted in the VM's calls since start, worker.ts) may fall in between. */
const rounded = (lines: string[]) => lines.slice(2).map((l) => l.replace(/^([a-z ]+) (\d+)$/, (_, what, ms) => `${what} ${Math.round(Number(ms) / 10) * 10}`));

/** A one-shot Timer at 100 ms runs `body` as its callback while the script sleeps 3 s. */
const script = (board: keyof typeof TIMER, body: string) => `import sys, time
from machine import Timer
t0 = time.ticks_ms()
ms = lambda: time.ticks_diff(time.ticks_ms(), t0)
def cb(t):
${body}
tim = Timer(${TIMER[board]})
tim.init(period=100, mode=Timer.ONE_SHOT, callback=cb)
time.sleep(3)
print("main goes on", ms())
`;

async function run(board: string, source: string, fileName = "main.py") {
  lab = new Lab({ timing: "fast" });
  return lab.addBoard({ name: "b", board, fileName, source });
}

describe("an exception a callback does not catch", () => {
  it.each(BOARDS)("%s: sys.exit() in a Timer callback prints SystemExit and the script goes on", async (board) => {
    const b = await run(board, script(board, `    print("cb", ms())\n    sys.exit(3)`));
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(rounded(b.lines())).toEqual(["cb 100", "Traceback (most recent call last):", '  File "main.py", line 7, in cb', "SystemExit: 3", "main goes on 3000"]);
  });

  it.each(BOARDS)("%s: Ctrl-C while a callback sleeps prints its KeyboardInterrupt; the script's sleep ends on time", async (board) => {
    const b = await run(board, script(board, `    print("cb", ms())\n    time.sleep(10)\n    print("not reached")`));
    await b.waitFor(/^cb \d+$/m); // its time as rounded() reads it: a busy-loop poll may make it 101
    lab.at(lab.now() + 500, () => b.board!.interrupt());
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(rounded(b.lines())).toEqual(["cb 100", "Traceback (most recent call last):", '  File "main.py", line 7, in cb', "KeyboardInterrupt: ", "main goes on 3000"]);
  });

  it.each(BOARDS)("%s: a callback that catches the KeyboardInterrupt and sleeps again goes on; so does the script", async (board) => {
    const body = `    print("cb", ms())\n    try:\n        time.sleep(10)\n    except KeyboardInterrupt:\n        print("caught", ms())\n    time.sleep(1)\n    print("cb ends", ms())`;
    const b = await run(board, script(board, body));
    await b.waitFor(/^cb \d+$/m); // its time as rounded() reads it: a busy-loop poll may make it 101
    lab.at(lab.now() + 500, () => b.board!.interrupt());
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(rounded(b.lines())).toEqual(["cb 100", "caught 600", "cb ends 1600", "main goes on 3000"]);
  });

  it("esp8266: an exception in a Pin.irq handler is printed; the script goes on", async () => {
    const b = await run("esp8266", `import time
from machine import Pin
def pressed(p):
    raise KeyboardInterrupt
Pin(4, Pin.IN).irq(handler=pressed, trigger=Pin.IRQ_RISING)
print("waiting")
time.sleep(1)
print("main goes on", time.ticks_ms() > 0)
`);
    await b.waitFor("waiting");
    lab.at(lab.now() + 250, () => b.setPin(4, 1));
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(3)).toEqual(["Traceback (most recent call last):", '  File "main.py", line 4, in pressed', "KeyboardInterrupt: ", "main goes on True"]);
  });

  it("esp32 (ts): Ctrl-C while a Timer callback sleeps prints KeyboardInterrupt; the script's sleep ends on time", async () => {
    const b = await run(
      "esp32",
      `import machine from "machine";
import time from "time";
const t0 = time.ticks_ms();
const ms = () => time.ticks_diff(time.ticks_ms(), t0);
const tim = machine.Timer(0);
tim.init({ period: 100, mode: machine.Timer.ONE_SHOT, callback: () => {
  print("cb", ms());
  time.sleep(10);
} });
time.sleep(3);
print("main goes on", ms());
`,
      "main.ts",
    );
    await b.waitFor(/^cb \d+$/m); // its time as rounded() reads it: a busy-loop poll may make it 101
    lab.at(lab.now() + 500, () => b.board!.interrupt());
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(rounded(b.lines())).toEqual(["cb 100", "Traceback (most recent call last):", '  File "main.ts", line 8, in callback', "KeyboardInterrupt: ", "main goes on 3000"]);
  });

  it("pico_w (ts): an Error a Timer callback throws prints its traceback at the callback's lines only, and the script goes on", async () => {
    const b = await run(
      "pico_w",
      `import machine from "machine";
import time from "time";
function check(n: number) {
  if (n > 1) throw new RangeError("too many: " + n);
}
let n = 0;
const tim = machine.Timer(-1);
tim.init({ period: 100, callback: () => check(++n) });
time.sleep_ms(250);
tim.deinit();
print("main goes on", n);
`,
      "main.ts",
    );
    expect(await b.finished()).toEqual({ kind: "finished" });
    // as the .py boards print a scheduled callback's exception (mp_obj_print_exception): not the script's sleep_ms line
    expect(b.lines().slice(2)).toEqual(["Traceback (most recent call last):", '  File "main.ts", line 8, in callback', '  File "main.ts", line 4, in check', "ValueError: too many: 2", "main goes on 2"]);
  });
});

describe("a hard IRQ (Pin.irq(hard=True))", () => {
  // hard by keyword or as the third positional argument (ports/rp2/machine_pin.c:465-467, none keyword-only)
  it.each(["handler=pressed, trigger=Pin.IRQ_RISING, hard=True", "pressed, Pin.IRQ_RISING, True"])("pico_w: irq(%s): an exception prints after 'Uncaught exception in IRQ callback handler' and disables the IRQ (shared/runtime/mpirq.c:68-94)", async (args) => {
    const b = await run(
      "pico_w",
      `import time
from machine import Pin
def pressed(p):
    print("pressed")
    raise ValueError("bounce")
button = Pin(4, Pin.IN)
button.irq(${args})
button.irq()
print("waiting")
time.sleep(1)
print("main goes on")
`,
    );
    await b.waitFor("waiting");
    lab.at(lab.now() + 250, () => b.setPin(4, 1));
    lab.at(lab.now() + 300, () => b.setPin(4, 0));
    lab.at(lab.now() + 350, () => b.setPin(4, 1));
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(3)).toEqual(["pressed", "Uncaught exception in IRQ callback handler", "Traceback (most recent call last):", '  File "main.py", line 5, in pressed', "ValueError: bounce", "main goes on"]);
  });

  it.each([
    ["esp8266", "hard=True", "ValueError: hard IRQ not supported"], // ports/esp8266/machine_pin.c:391-393
    ["esp8266", "Pin.IRQ_RISING, True", "ValueError: hard IRQ not supported"], // hard is also the third positional (378-383)
    ["esp32", "hard=True", "TypeError: extra keyword arguments given"], // no hard argument (ports/esp32/machine_pin.c:286-293), py/argcheck.c:129
    ["esp32", "Pin.IRQ_RISING, True", "ok"], // the third positional is wake, ignored for an edge trigger (machine_pin.c:303-331)
    ["esp32", "Pin.IRQ_RISING, None, 1", "TypeError: extra positional arguments given"], // py/argcheck.c:117-122
    ["pico_w", "Pin.IRQ_RISING, False, hard=True", "TypeError: extra keyword arguments given"], // hard given twice: the keyword is left over (py/argcheck.c:78-89, 124-129)
  ])("%s: irq(cb, %s) raises %s", async (board, args, line) => {
    const b = await run(board, `from machine import Pin
try:
    Pin(4, Pin.IN).irq(lambda p: None, ${args})
    print("ok")
except Exception as e:
    print("%s: %s" % (type(e).__name__, e))
`);
    await b.finished();
    expect(b.lines().slice(2)).toEqual([line]);
  });
});

describe("the scheduler's queue", () => {
  it.each([
    ["pico_w", 8], // ports/rp2/mpconfigport.h:87
    ["esp32", 8], // ports/esp32/mpconfigport.h:72
    ["esp8266", 4], // py/mpconfig.h:986
  ] as const)("%s: holds MICROPY_SCHEDULER_DEPTH (%i) callbacks while one runs (the scheduler locked); more are lost", async (board, depth) => {
    const b = await run(
      board,
      `import time
from machine import Pin
first = [True]
def on_edge(p):
    if first[0]:
        first[0] = False
        print("first")
        for i in range(40000):
            pass
    else:
        print("edge")
Pin(4, Pin.IN).irq(on_edge)
print("waiting")
time.sleep(1)
print("done")
`,
    );
    await b.waitFor("waiting");
    for (let n = 1; n <= 11; n++) lab.at(lab.now() + 5 * n, () => b.setPin(4, (n % 2) as 0 | 1));
    await b.finished();
    expect(b.lines().slice(3)).toEqual(["first", ...Array<string>(depth).fill("edge"), "done"]);
  });
});

describe("callbacks slower than their Timer", () => {
  // py/scheduler.c:105-114 (v1.23.0): each pending check runs at most one Python callback, so the
  // code that checks (the script's sleep, ports/rp2/mphalport.c:202-207; the REPL's wait for a key)
  // goes on between them, however many are queued.
  it.each(BOARDS)("%s: the script goes on between them", async (board) => {
    const b = await run(
      board,
      `import time
from machine import Timer
n = [0]
def cb(t):
    n[0] += 1
    if n[0] == 20:
        t.deinit()
    time.sleep_ms(30)
tim = Timer(${TIMER[board]})
tim.init(period=10, mode=Timer.PERIODIC, callback=cb)
for i in range(3):
    time.sleep_ms(15)
    print("main", i, n[0] < 20)
`,
    );
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["main 0 True", "main 1 True", "main 2 True"]);
  });
});

