import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The package as a student installs it: `npm pack`, then installed into a new folder, offline (from
// the npm cache `npm ci` filled), and used with plain Node: the CLI, `node --test` with
// boardsim/testing, and a user's tsc. No tsx, no vitest in that folder. Packs the dist/ that
// `npm test` built (npm pack's prepack build would replace dist/ under the other tests' feet).

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PKG = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string> };
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");

let dir: string;
let files: string[];

function run(cmd: string, args: string[], cwd = dir): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A TypeScript user's Node types (a dev dependency here too), from the repository's lockfile. */
const USER_DEV = ["node_modules/@types/node", "node_modules/undici-types"];

/**
 * The student's folder: boardsim from the tarball, @types/node, and a lockfile pinning their
 * dependencies as the repository's lockfile does, so `npm ci --offline` needs no registry.
 */
function studentProject(tarball: string): { pkg: object; lock: object } {
  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean; version?: string }> };
  const root = { name: "student", private: true, type: "module", dependencies: { boardsim: `file:${tarball}` }, devDependencies: { "@types/node": lock.packages["node_modules/@types/node"]!.version } };
  const packages: Record<string, object> = { "": { name: "student", dependencies: root.dependencies, devDependencies: root.devDependencies } };
  for (const [key, entry] of Object.entries(lock.packages)) if (key.startsWith("node_modules/") && (!entry.dev || USER_DEV.includes(key))) packages[key] = entry;
  packages["node_modules/boardsim"] = { version: PKG.version, resolved: `file:${tarball}`, dependencies: PKG.dependencies, bin: { boardsim: "bin/boardsim.js" } };
  return { pkg: root, lock: { name: "student", lockfileVersion: 3, requires: true, packages } };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "boardsim-pack-"));
  const tarball = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" }).trim();
  files = execFileSync("tar", ["tzf", path.join(dir, tarball)], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ""));
  const project = studentProject(tarball);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify(project.pkg));
  writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify(project.lock));
  execFileSync("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, encoding: "utf8" });
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the packed tarball", () => {
  it("ships the built JavaScript, its declarations and the LICENSE, no TypeScript sources or specs", () => {
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "bin/boardsim.js", "dist/boardsim.mjs", "dist/testing.mjs", "dist/vitest.mjs", "dist/types/testing/index.d.ts", "types/boardsim.d.ts"]));
    expect(files.filter((f) => f.endsWith(".spec.ts"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("src/") && !f.startsWith("src/scripts/") && !f.startsWith("src/emulator/micropython/guest/"))).toEqual([]);
  });

  it("installs without tsx or vitest", () => {
    expect(existsSync(path.join(dir, "node_modules/boardsim/dist/boardsim.mjs"))).toBe(true);
    expect(existsSync(path.join(dir, "node_modules/tsx"))).toBe(false);
    expect(existsSync(path.join(dir, "node_modules/vitest"))).toBe(false);
  });
});

describe("installed in a student's folder", () => {
  it("the CLI runs: --version, boards, and the chapter's client against a refused connection", () => {
    const bin = path.join(dir, "node_modules/.bin/boardsim");
    expect(run(bin, ["--version"]).stdout.trim()).toBe(PKG.version);
    expect(run(bin, ["boards"]).stdout).toContain("esp8266");
    const client = run(bin, ["run", "--board", "esp32", "--role", "client", "--profile", "fast", "--fault", "refused"]);
    expect(client.stdout).toContain("TCP close, please reset!");
    expect(client.code).toBe(0);
  });

  it("boardsim/testing (and the main entry) run under node --test, without vitest", () => {
    writeFileSync(
      path.join(dir, "refused.test.mjs"),
      `import { test } from "node:test";
import assert from "node:assert/strict";
import { Lab } from "boardsim/testing";
import * as main from "boardsim";

test("a refused connection", async () => {
  assert.equal(main.Lab, Lab);
  const lab = new Lab({ faults: ["refused"] });
  try {
    const board = await lab.addBoard({ board: "esp32", role: "client" });
    assert.deepEqual(await board.finished(), { kind: "finished" });
    assert.match(board.output(), /TCP close, please reset!/);
    const py = await lab.addBoard({ name: "py", board: "pico_w", source: "print('hi from', 6 * 7)", fileName: "main.py" });
    await py.finished();
    assert.equal(py.lines().at(-1), "hi from 42");
  } finally {
    await lab.close();
  }
});
`,
    );
    const result = run(process.execPath, ["--test", "refused.test.mjs"]);
    expect(result.stdout + result.stderr).toMatch(/# pass 1/);
    expect(result.code).toBe(0);
  });

  // A Node project's usual settings, and the strictest common ones with a bundler's resolution; lib checks on.
  it.each([
    { module: "NodeNext", moduleResolution: "NodeNext" },
    { module: "ESNext", moduleResolution: "Bundler", exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noPropertyAccessFromIndexSignature: true, verbatimModuleSyntax: true },
  ])("a user's tsc checks their test against boardsim's declarations, not its sources (%o)", (options) => {
    const compilerOptions = { target: "ES2022", strict: true, noEmit: true, skipLibCheck: false, types: ["node"], ...options };
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.ts"] }));
    writeFileSync(
      path.join(dir, "check.ts"),
      `import { Lab, type LabBoard } from "boardsim/testing";
import { Lab as MainLab } from "boardsim";
export const same: typeof Lab = MainLab;
const lab = new Lab({ timing: "fast" });
const board: Promise<LabBoard> = lab.addBoard({ board: "esp32", role: "client" });
export const printed: Promise<string> = board.then((b) => b.output());
// @ts-expect-error: not a board option
lab.addBoard({ bord: "esp32" });
`,
    );
    const result = run(process.execPath, [TSC, "-p", "."]);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(0);
  }, 180_000);
});
