/**
 * `npm run bench:reliability`: the reliability figures of docs/reliability.md that are measurements, not pass/fail
 * (throughput, memory, Ctrl-C latency). Runs with --expose-gc so heap figures are after a full GC.
 */
import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import {
  ACCEPT_CLOSE_SERVER,
  activeResources,
  bootBoards,
  connectCloseCycles,
  memory,
  settledGrowth,
} from "../test/support/hygiene.ts";
import { startCli } from "../test/support/cli.ts";
import { tempDir } from "./support.ts";
import { startScript, type ScriptRun } from "../test/support/run-script.ts";

async function forwardedPort(run: ScriptRun): Promise<number> {
  return (await run.logged((l) => l.msg.startsWith("forward "))).hostPort as number;
}

async function stop(run: ScriptRun): Promise<void> {
  run.board.interrupt();
  await run.done;
}

async function echoThroughput(mebibytes: number): Promise<void> {
  const run = await startScript(`
    import socket from "socket";
    const s = socket.socket();
    s.bind(["0.0.0.0", 0]);
    s.listen(1);
    const [conn] = s.accept();
    while (true) { const d = conn.recv(6400); if (len(d) === 0) break; conn.sendall(d); }
    conn.close();
  `);
  const socket = net.connect({ host: "127.0.0.1", port: await forwardedPort(run) });
  const sent = createHash("sha256");
  const received = createHash("sha256");
  socket.on("data", (c: Buffer) => received.update(c));
  const ended = new Promise((resolve) => socket.on("end", resolve));
  const start = performance.now();
  for (let i = 0; i < mebibytes; i++) {
    const chunk = randomBytes(1 << 20);
    sent.update(chunk);
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once("drain", resolve));
  }
  socket.end();
  await ended;
  const seconds = (performance.now() - start) / 1000;
  const exact = sent.digest("hex") === received.digest("hex");
  console.log(`echo ${mebibytes} MiB through a board server: ${seconds.toFixed(2)} s, ${(mebibytes / seconds).toFixed(1)} MiB/s, byte-exact: ${exact}`);
  await run.done;
}

async function connectCloseFigures(cycles: number, checkpoints: number): Promise<void> {
  const run = await startScript(ACCEPT_CLOSE_SERVER);
  const port = await forwardedPort(run);
  await connectCloseCycles(port, 1000); // warm up: the first connections grow pools that later ones reuse
  const baseline = activeResources();
  const heap: number[] = [memory().heapUsedMB];
  const rss: number[] = [memory().rssMB];
  const start = performance.now();
  for (let i = 0; i < checkpoints; i++) {
    await connectCloseCycles(port, cycles / checkpoints);
    run.logs().splice(0); // the harness keeps every log line; those are not the simulator's memory
    heap.push(memory().heapUsedMB);
    rss.push(memory().rssMB);
  }
  const seconds = (performance.now() - start) / 1000;
  const grown = await settledGrowth(baseline);
  console.log(
    `${cycles} connect/close cycles: ${seconds.toFixed(1)} s; handles grown: ${JSON.stringify(grown)}; heap MB every ${cycles / checkpoints}: ${heap.join(" ")}; RSS MB: ${rss.join(" ")}`,
  );
  await stop(run);
}

async function bootFigures(count: number): Promise<void> {
  await bootBoards(2);
  const baseline = activeResources();
  const before = memory();
  const start = performance.now();
  await bootBoards(count);
  const seconds = (performance.now() - start) / 1000;
  const grown = await settledGrowth(baseline);
  const after = memory();
  console.log(`${count} boards started and stopped: ${seconds.toFixed(1)} s; handles grown: ${JSON.stringify(grown)}; heap ${before.heapUsedMB} → ${after.heapUsedMB} MB, RSS ${before.rssMB} → ${after.rssMB} MB`);
}

/** Time from Ctrl-C to the script's end by KeyboardInterrupt, in a busy loop and blocked in accept(). */
async function interruptLatency(rounds: number): Promise<void> {
  const scripts = {
    "busy loop": `print("ready"); let n = 0; while (true) { n++; }`,
    "blocked in accept()": `import socket from "socket"; const s = socket.socket(); s.bind(["0.0.0.0", 0]); s.listen(1); print("ready"); s.accept();`,
  };
  for (const [where, source] of Object.entries(scripts)) {
    const latencies: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const run = await startScript(source);
      await run.printed("ready\n");
      const start = performance.now();
      run.board.interrupt();
      const outcome = await run.done;
      latencies.push(performance.now() - start);
      if (outcome.kind !== "raised" || outcome.pyType !== "KeyboardInterrupt") throw new Error(`${where}: ended with ${JSON.stringify(outcome)}`);
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
    console.log(`Ctrl-C → KeyboardInterrupt, ${where}, ${rounds} runs: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
  }
}

/**
 * The same through the real CLI: SIGINT to a `boardsim run` spinning in a loop, until the traceback
 * is printed. `spinMs`: how long the script spins before it says "ready" (and the signal is sent).
 */
async function cliInterruptLatency(rounds: number, spinMs: number): Promise<void> {
  const dir = await tempDir();
  const file = path.join(dir, "spin.ts");
  await writeFile(
    file,
    `import time from "time"; const t = time.ticks_ms(); while (time.ticks_diff(time.ticks_ms(), t) < ${spinMs}) {} print("ready"); while (true) {}`,
  );
  const latencies: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const run = startCli(["run", "--board", "pico_w", "--script", file]);
    await run.printed("ready\n");
    const start = performance.now();
    run.child.kill("SIGINT");
    await run.printed("KeyboardInterrupt: \n");
    latencies.push(performance.now() - start);
    if ((await run.exit) !== 130) throw new Error(`exit code not 130: ${run.stderr()}`);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `boardsim run, SIGINT ${spinMs} ms into a busy loop → KeyboardInterrupt traceback, ${rounds} runs: p50 ${latencies[Math.floor(rounds / 2)]!.toFixed(1)} ms, max ${latencies[rounds - 1]!.toFixed(1)} ms`,
  );
}

if (!(globalThis as { gc?: unknown }).gc) console.log("(run with node --expose-gc for heap figures after a full GC)");
await echoThroughput(64);
await connectCloseFigures(10_000, 4);
await bootFigures(1000);
await interruptLatency(50);
await cliInterruptLatency(10, 1000);
await cliInterruptLatency(10, 0);
