// Bundles the CLI into dist/boardsim.mjs and the library (boardsim, boardsim/testing,
// boardsim/vitest) into dist/testing.mjs and dist/vitest.mjs, with the guest library and the
// chapter's scripts (src/scripts) prebuilt inside, the MicroPython engine's worker thread into
// dist/micropython-worker.mjs, and the library's declarations into dist/types/: installed, boardsim
// runs as plain JavaScript, in any test runner, without compiling TypeScript or starting esbuild at
// run time. Run by `npm test` and before `npm pack`/`npm publish` (prepack).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

rmSync("dist/types", { recursive: true, force: true });

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

const defines = {
  BOARDSIM_GUEST_LIBRARY: JSON.stringify(guest.outputFiles[0].text),
  BOARDSIM_CHAPTER_SCRIPTS: JSON.stringify(chapterScripts),
  // The worker's entry, from the package's folder (src/package-root.ts): the .py guest library stays in src/.
  BOARDSIM_MICROPYTHON_WORKER: JSON.stringify(MICROPYTHON_WORKER),
};

// The library: dependencies stay in node_modules (an application bundles or dedupes them itself).
await build({ ...node, entryPoints: ["src/testing/index.ts"], outfile: "dist/testing.mjs", packages: "external", define: defines });
// boardsim/vitest re-exports the library's own file, so both entries share one Lab class.
const library = { name: "library", setup: (b) => b.onResolve({ filter: /^\.\/index\.ts$/ }, () => ({ path: "./testing.mjs", external: true })) };
await build({ ...node, entryPoints: ["src/testing/vitest.ts"], outfile: "dist/vitest.mjs", packages: "external", plugins: [library] });

// Declarations of the library's public types (members marked @internal left out), with the import
// paths a user's TypeScript resolves (.js, not the sources' .ts).
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.types.json"], { stdio: "inherit" });
for (const file of readdirSync("dist/types", { recursive: true }).filter((f) => f.endsWith(".d.ts"))) {
  const target = path.join("dist/types", file);
  writeFileSync(target, readFileSync(target, "utf8").replace(/((?:from|import)\s*\(?\s*"\.{1,2}\/[^"]*)\.ts"/g, '$1.js"'));
}

await build({
  ...node,
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/boardsim.mjs",
  // Pure-JS dependencies go into the bundle (one file loads far faster than yargs' many modules);
  // packages with native binaries or WebAssembly files stay in node_modules.
  external: ["esbuild", "quickjs-emscripten", "@micropython/micropython-webassembly-pyscript"],
  // The bundled CommonJS packages require() Node's built-ins.
  banner: { js: 'import { createRequire as __boardsimRequire } from "node:module"; const require = __boardsimRequire(import.meta.url);' },
  define: defines,
});
