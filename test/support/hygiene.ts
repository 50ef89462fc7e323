/** Resource-hygiene drivers shared by the test (smaller counts) and `npm run bench` (the full ones). */
import { mkdtemp, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { BOARDS } from "../../src/boards/index.ts";
import { Board } from "../../src/emulator/board.ts";
import { QuickJsEngine } from "../../src/emulator/quickjs/engine.ts";
import { compileScript, type CompiledScript } from "../../src/emulator/quickjs/transpile.ts";
import { RealClock } from "../../src/network-sim/clock/clock.ts";
import { Lan } from "../../src/network-sim/lan.ts";

export type ResourceCounts = Record<string, number>;

/** Live handles and requests of this process by kind (TCPSocketWrap, TCPServerWrap, Timeout, ...). */
export function activeResources(): ResourceCounts {
  const counts: ResourceCounts = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** The kinds of which there are more now than in `baseline`, with how many more. */
export function growth(baseline: ResourceCounts, now: ResourceCounts): ResourceCounts {
  return Object.fromEntries(
    Object.entries(now)
      .map(([kind, n]) => [kind, n - (baseline[kind] ?? 0)] as const)
      .filter(([, more]) => more > 0),
  );
}

/**
 * Growth over `baseline` once the event loop has finished closing what was closed: handles close
 * a few turns after close() is called, so this gives them up to `turns` turns.
 */
export async function settledGrowth(baseline: ResourceCounts, turns = 2000): Promise<ResourceCounts> {
  let grown = growth(baseline, activeResources());
  for (let i = 0; i < turns && Object.keys(grown).length > 0; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    grown = growth(baseline, activeResources());
  }
  return grown;
}

export interface MemoryFigures {
  heapUsedMB: number;
  rssMB: number;
}

/** Heap and RSS, after a full GC when node runs with --expose-gc. */
export function memory(): MemoryFigures {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsedMB: Math.round(heapUsed / 1e5) / 10, rssMB: Math.round(rss / 1e5) / 10 };
}

/** A board-side server that accepts, reads until the client closes, closes, and goes round again. */
export const ACCEPT_CLOSE_SERVER = `
  import socket from "socket";
  const s = socket.socket();
  s.bind(["0.0.0.0", 0]);
  s.listen(2);
  while (true) {
    const [conn] = s.accept();
    while (len(conn.recv(1024)) > 0) {}
    conn.close();
  }
`;

/** `cycles` times: connect to 127.0.0.1:port, send a byte, close, and wait until the board has closed too. */
export async function connectCloseCycles(port: number, cycles: number): Promise<void> {
  for (let i = 0; i < cycles; i++) {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.resume();
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.once("close", () => resolve());
      socket.end("x");
    });
  }
}

/** A script each of the many boards runs: join the WiFi, open a listening socket (a real forward), close it. */
const BOOT_SCRIPT = `
  import network from "network";
  import socket from "socket";
  import time from "time";
  const wlan = network.WLAN(network.STA_IF);
  wlan.active(true);
  wlan.connect("boardsim-lab", "micropython");
  while (!wlan.isconnected()) time.sleep_ms(1);
  const s = socket.socket();
  s.bind([wlan.ifconfig()[0], 0]);
  s.listen(1);
  s.close();
  wlan.active(false);
`;

let bootScript: Promise<CompiledScript> | undefined;
async function compiledBootScript(): Promise<CompiledScript> {
  return (bootScript ??= (async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), "boardsim-hygiene-")), "boot.ts");
    await writeFile(file, BOOT_SCRIPT);
    return compileScript(file, "boot.ts");
  })());
}

/** Starts and stops `count` boards in this process, one after another, each with its own engine. */
export async function bootBoards(count: number, boardId = "pico_w"): Promise<void> {
  const script = await compiledBootScript();
  const profile = BOARDS[boardId]!;
  const log = pino({ level: "silent" });
  for (let i = 0; i < count; i++) {
    const board = new Board({ profile, lan: new Lan({ clock: new RealClock(), log }), log, timing: "fast", console: () => {} });
    const engine = await QuickJsEngine.create(script, { heapBytes: profile.heapBytes, config: {} });
    try {
      const outcome = await board.run(engine);
      if (outcome.kind !== "finished") throw new Error(`board ${i} ended: ${JSON.stringify(outcome)}`);
    } finally {
      board.shutdown();
      engine.dispose();
    }
  }
}
