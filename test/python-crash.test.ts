/**
 * One .py board's crash is that board's: a script that corrupts its interpreter's memory, or a
 * source too big for the board's heap, ends that board with the firmware's kind of report, while
 * a board beside it in the same process runs to its end.
 */
import { afterEach, describe, expect, it } from "vitest";
import { boardsim, killStarted } from "./support/cli.ts";
import { runScript, startScript } from "./support/run-script.ts";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** Overwrites every 64th byte of the interpreter's first MiB (its static data, stack and heap). */
const CORRUPT = `import uctypes
m = uctypes.bytearray_at(0, 1 << 20)
for i in range(0, len(m), 64):
    m[i] = 0xff
print("still here")
`;

/** About 75 kB of source: more than the ESP8266's whole heap. */
const BIG = "x = 0\n" + Array.from({ length: 2000 }, (_, i) => `a${i} = ${i}  # some padding text here\n`).join("") + 'print("ran")\n';

afterEach(killStarted);

describe("a .py board's crash stays that board's", () => {
  it("memory corrupted through uctypes: that board stops with a fatal error, the board beside it runs on", async () => {
    const healthy = await startScript(`import time\nfor i in range(3):\n    time.sleep_ms(50)\n    print("tick", i)\n`, "pico_w", "main.py");
    const crashed = await runScript(CORRUPT, "esp32", "main.py");
    expect(crashed.outcome).toMatchObject({ kind: "raised", pyType: "RuntimeError" });
    expect(crashed.output).toMatch(/RuntimeError: fatal error( \(.*\))?\n$/);
    expect(await healthy.done).toEqual({ kind: "finished" });
    expect(healthy.output()).toBe("tick 0\ntick 1\ntick 2\n");
  });

  // The parser's or compiler's failed allocation (v1.23.0 py/runtime.c:1636-1645 m_malloc_fail: "memory
  // allocation failed, allocating %u bytes"); UNVERIFIED: the size the board's fails at.
  it("a source too big for the board's heap is the firmware's MemoryError, exit 1", async () => {
    const { output, outcome } = await runScript(BIG, "esp8266", "main.py");
    expect(outcome).toMatchObject({ kind: "raised", pyType: "MemoryError" });
    expect(output).toMatch(/^MemoryError: memory allocation failed, allocating \d+ bytes\n$/);

    const dir = await mkdtemp(path.join(tmpdir(), "boardsim-big-"));
    await writeFile(path.join(dir, "big.py"), BIG);
    const run = boardsim("run", "--board", "esp8266", "--script", path.join(dir, "big.py"), "--profile", "fast");
    expect(await run.exit).toBe(1);
    expect(run.stderr()).not.toMatch(/ at |internal error/);
    expect(run.stdout()).toMatch(/MemoryError: memory allocation failed, allocating \d+ bytes\n$/);
  });
});
