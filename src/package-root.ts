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
  if (root !== undefined) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return (root = dir);
}
