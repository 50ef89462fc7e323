/**
 * The .py rows (1, 2 and 7), run in a child process of their own (`node --import tsx
 * bench/python-rows.ts RUNS PAYLOAD PINGS`), as `boardsim run x.py` runs: without QuickJS in the
 * process. QuickJS sets V8's process-wide `--liftoff-only` (quickjs/snapshot.ts), which also stops
 * MicroPython's WebAssembly from reaching the optimising tier: in a process that ran a TS board
 * first, a .py loop ran 35 % slower and a collection 2× slower (docs/benchmarks.md, session 6).
 * Prints one JSON line.
 */
import { collectionCounts } from "../src/emulator/micropython/mark-stack.ts";
import { boardEchoRate, boardRtts, echoThroughput, pythonEchoScript } from "./echo.ts";
import { pythonCosts } from "./engine-costs.ts";
import { nativeEchoServer, rounds, scriptFile } from "./support.ts";

const [runs, payload, pings] = process.argv.slice(2).map(Number) as [number, number, number];
const file = await scriptFile("echo4096.py", pythonEchoScript(4096));
// The native echo alternates with the board's in this process too: the .py row's ratio pairs them.
const server = await nativeEchoServer();
const before = collectionCounts();
const { native, echo } = await rounds(runs, { native: () => echoThroughput(server.port, payload), echo: () => boardEchoRate(file, payload) });
// The echo's collections, and those whose marking filled py/gc.c's mark stack (each ≈ 2×, mark-stack.ts).
const after = collectionCounts();
const collections = { all: after.collections - before.collections, filled: after.filled - before.filled };
server.close();
const rtts = await boardRtts(file, 64, pings);
const costs = await pythonCosts(runs);
console.log(JSON.stringify({ echo, native, collections, rtts, costs }));
