// Bundles the CLI into dist/boardsim.mjs (with the guest library inlined), and the MicroPython
// engine's worker thread into dist/micropython-worker.mjs, so `boardsim` starts without compiling
// TypeScript at run time. Run by `npm ci` (prepare) and `npm test`.
import { build } from "esbuild";

const node = { bundle: true, format: "esm", platform: "node", target: "node20", packages: "external", charset: "utf8", logLevel: "warning" };
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

await build({ ...node, entryPoints: ["src/emulator/micropython/worker.ts"], outfile: MICROPYTHON_WORKER });

await build({
  ...node,
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/boardsim.mjs",
  define: {
    BOARDSIM_GUEST_LIBRARY: JSON.stringify(guest.outputFiles[0].text),
    // The worker's entry, from the package's folder (src/package-root.ts): the .py guest library stays in src/.
    BOARDSIM_MICROPYTHON_WORKER: JSON.stringify(MICROPYTHON_WORKER),
  },
});
