#!/usr/bin/env node
// Entry point. An installed package has only the built JavaScript (dist/) and runs it. In a dev
// checkout (src/cli/ present) the bundle runs when it is newer than every source file, otherwise the
// TypeScript sources through tsx, so an edit is never stale; BOARDSIM_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from "node:fs";

const root = new URL("../", import.meta.url);
const bundle = new URL("dist/boardsim.mjs", root);
const sources = new URL("src/cli/", root);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? "/" : ""), dir);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(url) : statSync(url).mtimeMs);
  }
  return newest;
}

function bundleIsCurrent() {
  if (!existsSync(sources)) return true;
  if (process.env.BOARDSIM_FROM_SOURCE === "1") return false;
  try {
    return statSync(bundle).mtimeMs > newestSource(new URL("src/", root));
  } catch {
    return false;
  }
}

if (bundleIsCurrent()) {
  await import(bundle.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
