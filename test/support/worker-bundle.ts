// vitest globalSetup: the MicroPython worker bundled once per run from the sources, as tools/build.mjs
// bundles it for the CLI, so each .py board's worker thread loads one file instead of starting tsx
// and compiling the worker's modules on its own: a board's start cost ≈ 700 ms of CPU that way,
// ≈ 340 ms from the bundle (the suite starts hundreds). Bundled at the start of every run and again
// before each rerun in watch mode, it is never older than the sources; worker-entry.mjs loads it when
// BOARDSIM_WORKER_BUNDLE names it.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { TestProject } from "vitest/node";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export default async function setup(project: TestProject): Promise<() => void> {
  // Inside the package, as dist/ is: the bundle finds node_modules and the package root from there.
  const cache = path.join(ROOT, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, "boardsim-worker-"));
  const outfile = path.join(dir, "micropython-worker.mjs");
  const bundle = () =>
    build({
      entryPoints: [path.join(ROOT, "src/emulator/micropython/worker.ts")],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      charset: "utf8",
      packages: "external",
      logLevel: "warning",
    });
  await bundle();
  project.onTestsRerun(async () => {
    await bundle();
  });
  process.env.BOARDSIM_WORKER_BUNDLE = outfile; // the test workers and the processes they start inherit it
  return () => {
    delete process.env.BOARDSIM_WORKER_BUNDLE;
    rmSync(dir, { recursive: true, force: true });
  };
}
