/**
 * `npm run bench`: boardsim side by side with native Node on this machine, one invocation,
 * printed as a table of medians and ratios (docs/benchmarks.md).
 */
import { execFile } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { tenMinuteScenario } from "../src/testing/index.ts";
import { boardsimServer, plainNodeServer, timeToOutput } from "./cold-start.ts";
import { boardEchoRate, boardRtts, echoScript, echoThroughput, pingPong } from "./echo.ts";
import { engineCosts, type EngineCosts, type PythonCosts } from "./engine-costs.ts";
import { mpremoteRuns } from "./mpremote.ts";
import { REAL_BOARDS, realisticRun, type RealisticFigures } from "./realistic.ts";
import { machine, median, nativeEchoServer, pairedRatio, percentile, rounds, scriptFile, startBoard } from "./support.ts";

const RUNS = 5;
const PAYLOAD = 16 * 1024 * 1024;
const PINGS = 2000;
/**
 * The chapter's server on the ESP32, whose send() writes everything: the Pico W's port ignores
 * send()'s short count, as the real one does, and drops data once its send buffer is full.
 */
const CHAPTER_SERVER = fileURLToPath(new URL("../src/scripts/esp32/server.ts", import.meta.url));
/** Fleet sizes, and how many runs each (N = 1000 takes about a minute). */
const FLEETS = [
  [100, 3, "ts"],
  [1000, 1, "ts"],
  [10, 1, "py"],
] as const;
/** Realistic-profile runs per board: each one joins the WiFi in real time (2-4 s). */
const REALISTIC_RUNS = 3;

interface Row {
  what: string;
  board: string;
  native: string;
  ratio: string;
  target: string;
}
const rows: Row[] = [];
const started = performance.now();
/** The machine is shared: the load average beside the figures says how noisy they are. */
const loadAtStart = os.loadavg()[0]!;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

interface PythonRows {
  echo: number[];
  /** The native echo's runs in the .py rows' process, alternating with `echo`. */
  native: number[];
  /** The .py echo's collections (all runs, the warm-up too), and those that filled the mark stack. */
  collections: { all: number; filled: number };
  rtts: number[];
  costs: PythonCosts;
}

/** The .py rows, in a process without QuickJS (bench/python-rows.ts says why). */
async function pythonRows(): Promise<PythonRows> {
  const script = fileURLToPath(new URL("./python-rows.ts", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script, String(RUNS), String(PAYLOAD), String(PINGS)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as PythonRows;
}

/** One run of the chapter's server on a new board (it greets each client first). */
async function chapterEchoRate(): Promise<number> {
  const board = await startBoard(CHAPTER_SERVER, { board: "esp32", config: { port: 8000 } });
  const rate = await echoThroughput(await board.hostPort, PAYLOAD, "I am Server".length);
  await board.done;
  return rate;
}

/** Rows 1: each board's runs alternate with the native server's; a ratio pairs each round's runs. */
async function throughputRows(): Promise<void> {
  const server = await nativeEchoServer();
  const echo4096 = await scriptFile("echo4096.ts", echoScript(4096));
  const runs = await rounds(RUNS, {
    native: () => echoThroughput(server.port, PAYLOAD),
    board: () => boardEchoRate(echo4096, PAYLOAD),
    chapter: chapterEchoRate,
  });
  server.close();
  for (const [label, rates, native, target] of [
    ["echo, board recv(4096)/sendall", runs.board, runs.native, 0.25],
    ["echo, chapter server (ESP32) recv(1024)+print", runs.chapter, runs.native, 0.1],
    ["echo, .py board recv(4096)/sendall", py.echo, py.native, 0.12],
  ] as const) {
    rows.push({ what: `1. ${label} (MB/s)`, board: fmt(median(rates)), native: fmt(median(native)), ratio: `${fmt(100 * pairedRatio(rates, native))} %`, target: `≥ ${target * 100} %` });
  }
  // A collection whose marking fills py/gc.c's mark stack (1024 entries, gc-mark-stack.ts) may rescan the heap: ≈ 2× (mark-stack.ts).
  const { all, filled } = py.collections;
  rows.push({ what: "1. echo, .py board: collections / of which the mark stack filled (all runs and the warm-up)", board: `${all} / ${filled}`, native: "", ratio: "", target: "0 filled" });
}

const p50 = (rtts: number[]) => percentile(rtts, 50);
const p99 = (rtts: number[]) => percentile(rtts, 99);

/** Row 2: p50 and p99 of each run's pings, medians over the rounds; TS and native runs alternate. */
async function pingPongRow(): Promise<void> {
  const server = await nativeEchoServer();
  const script = await scriptFile("echo-ping.ts", echoScript(4096));
  const runs = await rounds(RUNS, { native: () => pingPong(server.port, 64, PINGS), board: () => boardRtts(script, 64, PINGS) });
  server.close();
  const native = runs.native.map(p50);
  const nativeFigures = `${fmt(median(native))} / ${fmt(median(runs.native.map(p99)))}`;
  const board = runs.board.map(p50);
  rows.push({ what: "2. 64 B round trip p50 / p99 (µs)", board: `${fmt(median(board))} / ${fmt(median(runs.board.map(p99)))}`, native: nativeFigures, ratio: `${fmt(pairedRatio(board, native), 2)}× (p50)`, target: "p50 ≤ 2×" });
  rows.push({ what: "2. 64 B round trip, .py board p50 / p99 (µs, one run)", board: `${fmt(p50(py.rtts))} / ${fmt(p99(py.rtts))}`, native: nativeFigures, ratio: `${fmt(p50(py.rtts) / median(native), 2)}× (p50)`, target: "(none yet)" });
}

async function coldStartRow(): Promise<void> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const runs = await rounds(RUNS, { board: () => timeToOutput(boardsimServer(port), "accepting....."), native: () => timeToOutput(plainNodeServer, "listening") });
  rows.push({ what: "5. cold start to listening (ms)", board: fmt(median(runs.board), 0), native: fmt(median(runs.native), 0), ratio: `${fmt(pairedRatio(runs.board, runs.native), 2)}×`, target: "≤ 5×" });
}

async function virtualTimeRow(): Promise<void> {
  let simulatedMs = 0;
  const { scenario } = await rounds(RUNS, {
    scenario: async () => {
      const result = await tenMinuteScenario();
      if (result.connections < 9) throw new Error(`the 10-minute scenario reconnected only ${result.connections} times`);
      simulatedMs = result.simulatedMs;
      return result.wallMs;
    },
  });
  const wall = median(scenario);
  rows.push({ what: "3. virtual time: 10 simulated minutes, ESP32 with WiFi drops (wall ms)", board: fmt(wall, 0), native: `${simulatedMs / 1000} s simulated`, ratio: `${fmt(simulatedMs / wall, 0)}× real time`, target: "< 1 s, ≥ 1000×" });
}

interface FleetResult {
  n: number;
  bootMsPerBoard: number;
  exchangeMs: number;
  rssMiBPerBoard: number;
}

/** Each fleet in a child process of its own, so its memory is measured alone (bench/fleet.ts). */
async function fleetRows(): Promise<void> {
  const script = fileURLToPath(new URL("./fleet.ts", import.meta.url));
  for (const [n, runs, language] of FLEETS) {
    const results: FleetResult[] = [];
    for (let i = 0; i < runs; i++) {
      const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", "--import", "tsx", script, String(n), language], { maxBuffer: 1 << 20 });
      results.push(JSON.parse(stdout.trim().split("\n").at(-1)!) as FleetResult);
    }
    const boot = median(results.map((r) => r.bootMsPerBoard));
    const rss = median(results.map((r) => r.rssMiBPerBoard));
    const exchange = median(results.map((r) => r.exchangeMs));
    const what = `4. fleet of ${n} ${language === "py" ? ".py boards " : ""}(${n / 2} servers, ${n / 2} clients): boot ms / RSS MiB per board`;
    const target = language === "ts" ? "≤ 5 ms, ≤ 1 MiB" : "(reported)";
    const ratio = language === "ts" ? `${fmt(boot / 5, 2)}× / ${fmt(rss, 2)}× target` : "";
    rows.push({ what, board: `${fmt(boot, 2)} / ${fmt(rss, 2)}`, native: `all messages echoed ${fmt(exchange, 0)} ms after boot`, ratio, target });
  }
}

async function realisticRows(): Promise<void> {
  for (const [board, real] of Object.entries(REAL_BOARDS)) {
    const runs: RealisticFigures[] = [];
    await realisticRun(board); // warm-up
    for (let i = 0; i < REALISTIC_RUNS; i++) runs.push(await realisticRun(board));
    const measured = (key: keyof RealisticFigures) => median(runs.map((r) => r[key]));
    const row = (what: string, key: keyof RealisticFigures, unit: string, digits: number) => {
      const ratio = measured(key) / real[key];
      rows.push({ what: `6. ${board} --profile realistic: ${what} (${unit})`, board: fmt(measured(key), digits), native: `${real[key]} (real board)`, ratio: `${ratio >= 1 ? "+" : ""}${fmt(100 * (ratio - 1), 0)} %`, target: "±20 %" });
    };
    row("WiFi connect() to GOT_IP", "joinMs", "ms", 0);
    row("TCP connect()", "connectMs", "ms", 1);
    row("TCP throughput PC → board", "throughputMBs", "MB/s", 3);
  }
}

/**
 * Row 7: mpremote against a virtual ESP32 over RFC 2217. The real board's figures are computed from
 * its 115200-baud UART (11.52 kB/s), not measured (board-numbers.md has none): `exec` sends ~60
 * bytes and reads ~40 (line time ≈ 9 ms; a real ESP32's soft reset, which mpremote asks for first,
 * adds its reboot, UNVERIFIED ≈ 0.3-0.5 s); `fs cp` of 100 kB of text sends ≥ 100 kB (≥ 8.7 s).
 */
async function mpremoteRows(): Promise<void> {
  const { execMs, copyMs } = await mpremoteRuns(RUNS);
  rows.push({ what: "7. mpremote exec \"print(1)\" over RFC 2217, whole command (ms)", board: fmt(median(execMs), 0), native: "≥ 9 ms line time + soft reset (ESP32, 115200 baud, computed)", ratio: "", target: "" });
  rows.push({ what: "7. mpremote fs cp of 100 kB text over RFC 2217 (s)", board: fmt(median(copyMs) / 1000, 1), native: "≥ 8.7 s (ESP32, 115200 baud line rate, computed)", ratio: `${fmt(median(copyMs) / 1000 / 8.7, 2)}×`, target: "" });
}

process.stderr.write("bench: .py rows (a process of their own)…\n");
const py = await pythonRows();
for (const [name, row] of [
  ["echo throughput", throughputRows],
  ["ping-pong", pingPongRow],
  ["virtual time", virtualTimeRow],
  ["fleets", fleetRows],
  ["cold start", coldStartRow],
  ["realistic profile", realisticRows],
  ["mpremote", mpremoteRows],
] as const) {
  process.stderr.write(`bench: ${name}…\n`);
  await row();
}
process.stderr.write("bench: engine costs…\n");
const costs: EngineCosts = await engineCosts(RUNS);
const pyCosts = py.costs;
for (const [what, ts, py] of [
  ["a host call returning a number (time.ticks_ms)", costs.call, pyCosts.call],
  ["recv(4096) with data waiting", costs.recv, pyCosts.recv],
  ["sendall of 4 KiB with room", costs.sendall, pyCosts.sendall],
] as const) {
  rows.push({ what: `7. per call, stand-in host: ${what} (µs), TS / .py`, board: `${fmt(ts, 2)} / ${fmt(py, 1)}`, native: "", ratio: "", target: "" });
}
rows.push({
  what: "7. .py data call from shared memory, stand-in host: recv(4096) read ahead / sendall of 4 KiB buffered (µs, one call in 17)",
  board: `${fmt(pyCosts.aheadRecv, 1)} / ${fmt(pyCosts.bufferedSendall, 1)}`,
  native: "",
  ratio: "",
  target: "≤ 10 µs",
});
rows.push({
  what: "7. .py a new 4 KiB bytes object alone, no call (µs; the interpreter's share of recv(4096): gc_alloc's first-fit search, the hash, collections)",
  board: fmt(pyCosts.alloc, 1),
  native: "",
  ratio: "",
  target: "",
});
rows.push({
  what: "7. .py readinto of a 4 KiB bytearray with data waiting, stand-in host: a data call each time / read ahead, one call in 17 (µs; recv(4096) without its new bytes object, the interpreter's allocation)",
  board: `${fmt(pyCosts.readinto, 1)} / ${fmt(pyCosts.aheadReadinto, 1)}`,
  native: "",
  ratio: "",
  target: "≤ 10 µs",
});

console.log(`boardsim benchmarks — ${machine()}; load average (1 min) ${fmt(loadAtStart, 2)} at the start, ${fmt(os.loadavg()[0]!, 2)} at the end`);
console.log(
  `medians of ${RUNS} runs after a warm-up (fleets: ${FLEETS.map(([n, runs]) => `N = ${n}: ${runs}`).join(", ")}; realistic: ${REALISTIC_RUNS} per board); echo payload ${PAYLOAD / 2 ** 20} MiB; ${PINGS} pings`,
);
console.log(`real boards: shared/docs/board-numbers.md ${Object.entries(REAL_BOARDS).map(([b, r]) => `${b} ${r.source}`).join("; ")}\n`);
console.log("| benchmark | boardsim | native Node / reference | ratio | target |");
console.log("|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.what} | ${r.board} | ${r.native} | ${r.ratio} | ${r.target} |`);
console.log(
  `\nWhat else bounds rows 1, 2 and 4, the QuickJS engine on a stand-in host (medians): an empty loop iteration ${fmt(costs.loop, 2)} µs; ` +
    `a call that suspends the guest ${fmt(costs.suspend)} µs; a board's QuickJS start with an empty script (an instance from the guest library's snapshot, host functions, the run) ${fmt(costs.bootMs)} ms.`,
);
console.log(`\n(the whole run took ${fmt((performance.now() - started) / 1000, 0)} s)`);
