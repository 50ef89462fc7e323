/**
 * The .py rows (1, 2 and 7), run in a child process of their own (`node --import tsx
 * bench/python-rows.ts RUNS PAYLOAD PINGS`), as `boardsim run x.py` runs: without QuickJS in the
 * process. QuickJS sets V8's process-wide `--liftoff-only` (quickjs/snapshot.ts), which also stops
 * MicroPython's WebAssembly from reaching the optimising tier: in a process that ran a TS board
 * first, a .py loop ran 35 % slower and a collection 2× slower (docs/benchmarks.md, session 6).
 * Prints one JSON line.
 */
import { boardEchoRates, boardRtts, pythonEchoScript } from "./echo.ts";
import { pythonCosts } from "./engine-costs.ts";
import { scriptFile } from "./support.ts";

const [runs, payload, pings] = process.argv.slice(2).map(Number) as [number, number, number];
const file = await scriptFile("echo4096.py", pythonEchoScript(4096));
const echo = await boardEchoRates(file, runs, payload);
const rtts = await boardRtts(file, 64, pings);
const costs = await pythonCosts(runs);
console.log(JSON.stringify({ echo, rtts, costs }));
