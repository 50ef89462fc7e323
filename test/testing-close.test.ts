// lab.close() switches the boards off and gives back everything they held: a .py board's MicroPython
// worker thread, sockets and timers, and the folder `source` was saved in.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { Lab } from "boardsim/testing";
import { activeResources, settledGrowth } from "./support/hygiene.ts";

const threads = () => readdirSync("/proc/self/task").length;
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))![1]) * 1024;

// A server blocked in accept() for ever: only switching the board off ends it.
const SERVER = `import socket
s = socket.socket()
s.bind(("0.0.0.0", 8000))
s.listen(1)
print("accepting")
s.accept()
`;

const tmp = mkdtempSync(path.join(tmpdir(), "boardsim-close-"));
const savedTmp = process.env.TMPDIR;
afterAll(() => {
  process.env.TMPDIR = savedTmp;
  rmSync(tmp, { recursive: true, force: true });
});

it("closing 6 labs of .py and TS boards leaves threads, handles and temp folders at their baseline", async () => {
  process.env.TMPDIR = tmp; // the labs' temp folders go here, where nobody else writes
  const runOne = async () => {
    const lab = new Lab({ timing: "fast" });
    const py = await lab.addBoard({ name: "py", board: "pico_w", source: SERVER, fileName: "main.py" });
    const ts = await lab.addBoard({ name: "ts", board: "esp32", source: `print("ts up"); import time from "time"; time.sleep(3600);` });
    await py.waitFor("accepting");
    await ts.waitFor("ts up");
    await lab.close();
    return { py, ts };
  };
  await runOne(); // warm-up: the wasm module and compiled scripts are cached per process
  const baseline = { threads: threads(), resources: activeResources(), rss: rss() };
  for (let i = 0; i < 6; i++) {
    const { py, ts } = await runOne();
    // Switched off, not reset: one boot, the script did not run again.
    expect([py.boots, ts.boots]).toEqual([1, 1]);
    expect(py.lines().filter((l) => l === "accepting")).toHaveLength(1);
    expect(py.result).toEqual({ kind: "reset" });
  }
  expect(threads()).toBe(baseline.threads);
  expect(await settledGrowth(baseline.resources)).toEqual({});
  expect(readdirSync(tmp).filter((f) => f.startsWith("boardsim-"))).toEqual([]); // (tsx, running the sources, keeps its cache here)
  // Six leaked MicroPython workers would hold ~175 MB; a released one holds nothing.
  expect(rss() - baseline.rss).toBeLessThan(100 * 1024 * 1024);
}, 180_000);

it("a closed lab takes no new boards", async () => {
  const lab = new Lab();
  await lab.close();
  await expect(lab.addBoard({ board: "esp32", role: "client" })).rejects.toThrow("the lab is closed");
});
