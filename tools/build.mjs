// Bundles the CLI into dist/boardsim.mjs, with the guest library and the chapter's scripts
// (src/scripts) prebuilt inside, and the MicroPython engine's worker thread into
// dist/micropython-worker.mjs, so `boardsim` starts without compiling TypeScript or starting
// esbuild at run time. Run by `npm ci` (prepare) and `npm test`.
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const MICROPYTHON_WORKER = "dist/micropython-worker.mjs";

const guest = await build({
  entryPoints: ["src/emulator/quickjs/guest/index.ts"],
  bundle: true,
  format: "iife",
  platform: "neutral",
  target: "es2020",
  write: false,
  charset: "utf8",
});

// The chapter's scripts, bundled exactly as a run would (transpile.ts's bundleScript).
const compiler = "dist/.transpile.mjs";
await build({ entryPoints: ["src/emulator/quickjs/transpile.ts"], outfile: compiler, bundle: true, format: "esm", platform: "node", packages: "external", logLevel: "warning" });
const { bundleScript } = await import(path.resolve(compiler));
rmSync(compiler);
const chapterScripts = {};
for (const board of readdirSync("src/scripts", { withFileTypes: true }).filter((d) => d.isDirectory())) {
  for (const file of readdirSync(path.join("src/scripts", board.name)).filter((f) => f.endsWith(".ts"))) {
    const script = path.join("src/scripts", board.name, file);
    chapterScripts[script] = await bundleScript(path.resolve(script));
  }
}

const node = { bundle: true, format: "esm", platform: "node", target: "node20", charset: "utf8", logLevel: "warning" };

await build({ ...node, entryPoints: ["src/emulator/micropython/worker.ts"], outfile: MICROPYTHON_WORKER, packages: "external" });

await build({
  ...node,
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/boardsim.mjs",
  // Pure-JS dependencies go into the bundle (one file loads far faster than yargs' many modules);
  // packages with native binaries or WebAssembly files stay in node_modules.
  external: ["esbuild", "quickjs-emscripten", "@micropython/micropython-webassembly-pyscript"],
  // The bundled CommonJS packages require() Node's built-ins.
  banner: { js: 'import { createRequire as __boardsimRequire } from "node:module"; const require = __boardsimRequire(import.meta.url);' },
  define: {
    BOARDSIM_GUEST_LIBRARY: JSON.stringify(guest.outputFiles[0].text),
    BOARDSIM_CHAPTER_SCRIPTS: JSON.stringify(chapterScripts),
    // The worker's entry, from the package's folder (src/package-root.ts): the .py guest library stays in src/.
    BOARDSIM_MICROPYTHON_WORKER: JSON.stringify(MICROPYTHON_WORKER),
  },
});
