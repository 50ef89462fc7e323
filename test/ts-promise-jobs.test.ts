/**
 * A TS script's promise jobs (`.then` callbacks, the code after an `await`) run as JavaScript runs
 * them: once the script's stack is empty, after its top-level code and at each top-level `await`,
 * in order, until none is left (ECMA-262 HostEnqueuePromiseJob; Node). On the board's clock.
 */
import { describe, expect, it } from "vitest";
import { Lab } from "../src/testing/index.ts";
import { SLICE_MESSAGE } from "../src/emulator/quickjs/time-slice.ts";

/** Starts `source` on a fresh board (simulated time) as main.ts. */
async function start(source: string, board = "pico_w") {
  const lab = new Lab({ timing: "fast" });
  return { lab, b: await lab.addBoard({ name: "main", board, fileName: "main.ts", source }) };
}

/** Runs `source` on a fresh board (simulated time) to its end: the lines after the banner, and how it ended. */
async function run(source: string, board = "pico_w") {
  const { b } = await start(source, board);
  const outcome = await b.finished();
  return { lines: b.lines().slice(2), outcome };
}

describe("promise jobs run once the script's stack is empty", () => {
  it("the code after an await and .then callbacks run after the top-level code, in order", async () => {
    const { lines, outcome } = await run(`async function f() {
  print("in f");
  await null;
  print("after await");
}
f();
Promise.resolve(1).then((v) => print("then", v)).then(() => print("second then"));
print("end of script");
`);
    expect(lines).toEqual(["in f", "end of script", "after await", "then 1", "second then"]);
    expect(outcome).toEqual({ kind: "finished" });
  });

  // Twice on the Pico W: the second board of a kind to run a script starts from a template with it compiled in (script-snapshots.ts).
  it.each(["pico_w", "pico_w", "esp32", "esp8266"])("%s: a top-level await waits for an async function whose job blocks in time.sleep_ms on the board's clock", async (board) => {
    const { lines, outcome } = await run(`import time from "time";
const t0 = time.ticks_ms();
async function slow(): Promise<number> {
  await null;
  time.sleep_ms(250);
  return time.ticks_diff(time.ticks_ms(), t0);
}
print("waited", await slow());
print("done");
`, board);
    expect(lines).toEqual(["waited 250", "done"]);
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("a Timer's callbacks run on time while a job sleeps", async () => {
    const { lines } = await run(`import machine from "machine";
import time from "time";
const t0 = time.ticks_ms();
const tim = machine.Timer(-1);
tim.init({ period: 100, mode: machine.Timer.PERIODIC, callback: () => print("tick", time.ticks_diff(time.ticks_ms(), t0)) });
async function main() {
  await null;
  time.sleep_ms(350);
  print("slept", time.ticks_diff(time.ticks_ms(), t0));
}
await main();
tim.deinit();
`);
    expect(lines).toEqual(["tick 100", "tick 200", "tick 300", "slept 350"]);
  });
});

describe("how a script with promise jobs ends", () => {
  it("an error thrown after an await that the top level awaits: the traceback at the script's lines", async () => {
    const { lines, outcome } = await run(`async function check(n: number): Promise<number> {
  await null;
  if (n > 2) throw new ValueError("too big");
  return n;
}
print(await check(1));
print(await check(3));
print("not reached");
`);
    // Only the async function's frame: QuickJS keeps no async stack (Node's V8 adds "at async main.mjs:7").
    expect(lines).toEqual(["1", "Traceback (most recent call last):", '  File "main.ts", line 3, in check', "ValueError: too big"]);
    expect(outcome).toMatchObject({ kind: "raised", pyType: "ValueError" });
  });

  it("a top-level await that nothing settles: the board stays up, idle, until Ctrl-C raises KeyboardInterrupt", async () => {
    const { lab, b } = await start(`print("waiting");\nawait new Promise(() => {});\nprint("never");\n`);
    await b.waitFor("waiting");
    await lab.advance(24 * 3600 * 1000);
    expect(b.result).toBeNull();
    b.board!.interrupt();
    expect(await b.finished()).toMatchObject({ kind: "raised", pyType: "KeyboardInterrupt" });
    expect(b.lines().slice(2)).toEqual(["waiting", "KeyboardInterrupt: "]);
  });

  it("a top-level await that a Timer's callback settles: the board sleeps until it fires, then the script goes on", async () => {
    const { lines, outcome } = await run(`import machine from "machine";
import time from "time";
const tim = machine.Timer(-1);
const t0 = time.ticks_ms();
await new Promise<void>((resolve) => tim.init({ period: 1500, mode: machine.Timer.ONE_SHOT, callback: () => resolve() }));
print("fired after", time.ticks_diff(time.ticks_ms(), t0));
`);
    expect(lines).toEqual(["fired after 1500"]);
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("a top-level await that a Pin.irq callback settles: the script waits for the button", async () => {
    const { lab, b } = await start(`import machine from "machine";
const button = machine.Pin(4, machine.Pin.IN);
print("press the button");
await new Promise<void>((resolve) => button.irq(() => resolve(), machine.Pin.IRQ_RISING));
print("pressed");
`, "esp32");
    await b.waitFor("press the button");
    await lab.advance(60_000);
    b.setPin(4, 1);
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual(["press the button", "pressed"]);
  });

  it("a script that ends with a periodic Timer running: the board runs its callbacks on, as at the REPL, until Ctrl-C", async () => {
    const { b } = await start(`import machine from "machine";
let n = 0;
machine.Timer(-1).init({ period: 100, mode: machine.Timer.PERIODIC, callback: () => print("tick", ++n) });
print("end of script");
`);
    await b.waitFor("tick 3");
    b.board!.interrupt();
    expect(await b.finished()).toMatchObject({ kind: "raised", pyType: "KeyboardInterrupt" });
    expect(b.lines().slice(2)).toEqual(["end of script", "tick 1", "tick 2", "tick 3", "KeyboardInterrupt: "]);
  });

  it("a memory bomb inside a job raises MemoryError", async () => {
    const { lines, outcome } = await run(`async function hog() {
  await null;
  const chunks: Uint8Array[] = [];
  while (true) chunks.push(new Uint8Array(4096));
}
await hog();
`);
    expect(lines.at(-1)).toMatch(/^MemoryError: /);
    expect(outcome).toMatchObject({ kind: "raised", pyType: "MemoryError" });
  });

  it("a job that runs past its time slice without a break ends the script with RuntimeError", async () => {
    const { lines, outcome } = await run(`async function spin() {
  await null;
  print("spinning");
  (0, eval)("while (true) {}");
}
spin();
print("end of script");
`);
    expect(lines).toEqual(["end of script", "spinning", `RuntimeError: ${SLICE_MESSAGE}`]);
    expect(outcome).toMatchObject({ kind: "raised", pyType: "RuntimeError" });
  });

  it.each([
    ["the top level awaits", "await serve();"],
    ["no code awaits", "serve();"],
  ])("Ctrl-C while a job %s blocks in accept() ends the script with KeyboardInterrupt at the job's line", async (_, call) => {
    const { b } = await start(`import socket from "socket";
async function serve() {
  await null;
  const s = socket.socket();
  s.bind(["0.0.0.0", 8080]);
  s.listen(1);
  print("accepting");
  s.accept();
}
${call}
`);
    await b.waitFor("accepting");
    b.board!.interrupt();
    expect(await b.finished()).toMatchObject({ kind: "raised", pyType: "KeyboardInterrupt" });
    expect(b.lines().slice(2)).toEqual(["accepting", "Traceback (most recent call last):", '  File "main.ts", line 8, in serve', "KeyboardInterrupt: "]);
  });
});

describe("a rejection no code can handle", () => {
  it("is printed as asyncio prints a task's exception nobody retrieved, at the script's lines, and the script goes on", async () => {
    const { lines, outcome } = await run(`print("start");
Promise.reject(new Error("boom"));
async function f() { throw new TypeError("bad thing"); }
f();
print("after");
`);
    expect(lines).toEqual([
      "start",
      "after",
      "Task exception wasn't retrieved",
      "Traceback (most recent call last):",
      '  File "main.ts", line 2, in <module>',
      "Exception: boom",
      "Task exception wasn't retrieved",
      "Traceback (most recent call last):",
      '  File "main.ts", line 4, in <module>',
      '  File "main.ts", line 3, in f',
      "TypeError: bad thing",
    ]);
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("after an await, from a .then callback, from void f(), and from an async Timer callback: each printed as its job ends", async () => {
    const { lines, outcome } = await run(`import machine from "machine";
import time from "time";
async function later(n: number) {
  await null;
  time.sleep_ms(n);
  throw new ValueError(n);
}
later(20);
Promise.resolve().then(() => { throw new OSError(104); });
void later(10);
machine.Timer(-1).init({ period: 50, mode: machine.Timer.ONE_SHOT, callback: async () => { await null; throw new KeyError("tick"); } });
await later(30).catch((e) => print("caught", e));
time.sleep_ms(100);
print("end");
`);
    const errors = lines.filter((l) => /Error|wasn't/.test(l) || l.startsWith("caught") || l === "end");
    expect(errors).toEqual([
      "Task exception wasn't retrieved",
      "ValueError: 20",
      "Task exception wasn't retrieved",
      "OSError: [Errno 104] ECONNRESET",
      "Task exception wasn't retrieved",
      "ValueError: 10",
      "caught 30",
      "Task exception wasn't retrieved",
      "KeyError: tick",
      "end",
    ]);
    expect(lines).toContain('  File "main.ts", line 6, in later');
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("a handled one is not printed: awaited, caught, or passed on to a promise that is", async () => {
    const { lines, outcome } = await run(`async function fails() { await null; throw new ValueError("handled"); }
fails().catch(() => print("caught"));
try { await fails(); } catch (e) { print("awaited", e); }
const p = fails();
await Promise.allSettled([p]);
print("end");
`);
    expect(lines).toEqual(["caught", "awaited handled", "end"]);
    expect(outcome).toEqual({ kind: "finished" });
  });
});
