#!/usr/bin/env node
// Entry point. Runs the prebuilt bundle (dist/, made by `npm ci` and `npm test`) when it is newer
// than every source file; otherwise the TypeScript sources through tsx, so an edit is never stale.
import { readdirSync, statSync } from "node:fs";

const root = new URL("../", import.meta.url);
const bundle = new URL("dist/boardsim.mjs", root);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? "/" : ""), dir);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(url) : statSync(url).mtimeMs);
  }
  return newest;
}

let bundleTime = 0;
try {
  bundleTime = statSync(bundle).mtimeMs;
} catch {}
if (bundleTime > newestSource(new URL("src/", root))) {
  await import(bundle.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
