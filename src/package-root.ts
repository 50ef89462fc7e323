import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/**
 * The package's folder (where package.json is), whether running from src/ or from the bundle in dist/.
 * Found once: the bundled compileScript asks for it at every board's boot (a lab of 1,000 boards:
 * ≈ 80 µs each for the folder walk).
 */
export function packageRoot(): string {
  return (root ??= packageRootFrom(path.dirname(fileURLToPath(import.meta.url))));
}

/** The nearest folder at or above `start` that holds a package.json; past the filesystem's root, an error (not a walk for ever). */
export function packageRootFrom(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`boardsim: no package.json in ${start} or any folder above it (boardsim runs from its package's folder)`);
  }
}
