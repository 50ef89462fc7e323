import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cycles, importGraph } from "./support/import-graph.ts";

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), "../src");

/**
 * The layers, top to bottom (docs/ARCHITECTURE.md): a file may import files of its own folder or of
 * a lower layer, never of a higher or equal one. Files directly in src/ (log, package root) are the bottom.
 */
const LAYERS: Record<string, number> = {
  cli: 5,
  testing: 5,
  /** The console transports: used by the CLI, they drive an emulator's SerialDevice. */
  console: 4.5,
  runtime: 4,
  emulator: 3,
  "network-sim": 2,
  boards: 1,
  ".": 0,
};

/**
 * Not checked: the guest scripts and the guest library run inside the engines (they import board
 * modules, not host code), and specs beside the code are tests, which may use the testing API.
 */
const notHostCode = (file: string) => file.startsWith("scripts/") || file.startsWith("emulator/quickjs/guest/") || file.endsWith(".spec.ts");

const graph = importGraph(SRC, notHostCode);
const layerOf = (file: string) => (file.includes("/") ? file.split("/")[0]! : ".");

describe("the import graph of src/", () => {
  it("finds the files and their imports (the checker works)", () => {
    expect(graph.get("cli/main.ts")).toContain("cli/run.ts");
    expect(cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]))).toEqual([["a", "b", "c"]]);
  });

  it("points down: no folder imports a folder of its own layer or above", () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      expect(LAYERS, `src/${from} has no layer in LAYERS`).toHaveProperty([from]);
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== from && LAYERS[to]! >= LAYERS[from]!) upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("keeps faults out of the LAN's core: only faults/ imports faults/ (the core knows them as LanHooks)", () => {
    const intoFaults = [...graph].flatMap(([file, targets]) =>
      file.startsWith("network-sim/") && !file.startsWith("network-sim/faults/") ? targets.filter((t) => t.startsWith("network-sim/faults/")).map((t) => `${file} → ${t}`) : [],
    );
    expect(intoFaults).toEqual([]);
  });

  it("has no cycle between files", () => {
    const found = cycles(graph).map((cycle) => cycle.join(" ↔ "));
    expect(found).toEqual([]);
  });
});

describe("the size of the emulator's files (issue 13: one concept per file)", () => {
  const lines = (file: string) => readFileSync(path.join(SRC, file), "utf8").split("\n").length - 1;

  it("keeps Board to its lifecycle and routing: src/emulator/board.ts ≤ 200 lines", () => {
    expect(lines("emulator/board.ts")).toBeLessThanOrEqual(200);
  });

  it("keeps each firmware module's host calls small: no src/emulator/host/*.ts over 250 lines", () => {
    const big = readdirSync(path.join(SRC, "emulator/host"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `emulator/host/${f}`)
      .filter((f) => lines(f) > 250);
    expect(big).toEqual([]);
  });
});
