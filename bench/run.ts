/**
 * `npm run bench`: boardsim side by side with native Node on this machine, one invocation,
 * printed as a table of medians and ratios (docs/benchmarks.md).
 */
import { fileURLToPath } from "node:url";
import { boardsimServer, plainNodeServer, timeToOutput } from "./cold-start.ts";
import { echoScript, echoThroughput, pingPong } from "./echo.ts";
import { machine, median, nativeEchoServer, percentile, repeat, scriptFile, startBoard } from "./support.ts";

const RUNS = 5;
const PAYLOAD = 16 * 1024 * 1024;
const PINGS = 2000;
const CHAPTER_SERVER = fileURLToPath(new URL("../src/scripts/pico_w/server.ts", import.meta.url));

interface Row {
  what: string;
  board: string;
  native: string;
  ratio: string;
  target: string;
}
const rows: Row[] = [];
const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function boardEcho(readSize: number): Promise<number[]> {
  const file = await scriptFile(`echo${readSize}.ts`, echoScript(readSize));
  return repeat(RUNS, async () => {
    const board = await startBoard(file);
    const rate = await echoThroughput(await board.hostPort, PAYLOAD);
    await board.done;
    return rate;
  });
}

async function chapterEcho(): Promise<number[]> {
  return repeat(RUNS, async () => {
    const board = await startBoard(CHAPTER_SERVER, { port: 8000 });
    const rate = await echoThroughput(await board.hostPort, PAYLOAD, "I am Server".length);
    await board.done;
    return rate;
  });
}

async function nativeEcho(): Promise<number[]> {
  const server = await nativeEchoServer();
  try {
    return await repeat(RUNS, () => echoThroughput(server.port, PAYLOAD));
  } finally {
    server.close();
  }
}

async function throughputRows(): Promise<void> {
  const native = median(await nativeEcho());
  for (const [label, rates, target] of [
    ["echo, board recv(4096)/sendall", await boardEcho(4096), 0.25],
    ["echo, chapter server recv(1024)+print", await chapterEcho(), 0.1],
  ] as const) {
    const board = median(rates);
    rows.push({ what: `1. ${label} (MB/s)`, board: fmt(board), native: fmt(native), ratio: `${fmt((100 * board) / native)} %`, target: `≥ ${target * 100} %` });
  }
}

async function pingPongRow(): Promise<void> {
  const file = await scriptFile("echo-ping.ts", echoScript(4096));
  const board = await startBoard(file);
  const boardRtts = await pingPong(await board.hostPort, 64, PINGS);
  await board.done;
  const server = await nativeEchoServer();
  const nativeRtts = await pingPong(server.port, 64, PINGS);
  server.close();
  const [b50, b99, n50, n99] = [percentile(boardRtts, 50), percentile(boardRtts, 99), percentile(nativeRtts, 50), percentile(nativeRtts, 99)];
  rows.push({ what: "2. 64 B round trip p50 / p99 (µs)", board: `${fmt(b50)} / ${fmt(b99)}`, native: `${fmt(n50)} / ${fmt(n99)}`, ratio: `${fmt(b50 / n50, 2)}× (p50)`, target: "p50 ≤ 3×" });
}

async function coldStartRow(): Promise<void> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const board = median(await repeat(RUNS, () => timeToOutput(boardsimServer(port), "accepting.....")));
  const native = median(await repeat(RUNS, () => timeToOutput(plainNodeServer, "listening")));
  rows.push({ what: "5. cold start to listening (ms)", board: fmt(board, 0), native: fmt(native, 0), ratio: `${fmt(board / native, 2)}×`, target: "≤ 5×" });
}

await throughputRows();
await pingPongRow();
await coldStartRow();

console.log(`boardsim benchmarks — ${machine()}`);
console.log(`medians of ${RUNS} runs after a warm-up; payload ${PAYLOAD / 2 ** 20} MiB; ${PINGS} pings\n`);
console.log("| benchmark | boardsim | native Node | ratio | target |");
console.log("|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.what} | ${r.board} | ${r.native} | ${r.ratio} | ${r.target} |`);
