// Bundles the CLI into dist/boardsim.mjs (with the guest library inlined), so `boardsim` starts
// without compiling TypeScript at run time. Run by `npm ci` (prepare) and `npm test`.
import { build } from "esbuild";

const guest = await build({
  entryPoints: ["src/emulator/quickjs/guest/index.ts"],
  bundle: true,
  format: "iife",
  platform: "neutral",
  target: "es2020",
  write: false,
  charset: "utf8",
});

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/boardsim.mjs",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  charset: "utf8",
  define: { BOARDSIM_GUEST_LIBRARY: JSON.stringify(guest.outputFiles[0].text) },
  logLevel: "warning",
});
