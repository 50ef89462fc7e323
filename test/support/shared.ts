import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * A folder of shared/ (beside the repository, as in CI's clone), or null when it is not on this
 * machine: then the tests that need it skip, and say so loudly. In CI (CI=true), where shared/ is
 * always there, its absence fails the run instead.
 */
export function sharedFolder(relative: string, needs: string): string | null {
  const folder = fileURLToPath(new URL(`../../../shared/${relative}`, import.meta.url));
  if (existsSync(folder)) return folder;
  const message = `${needs}: ${folder} is not on this machine`;
  if (process.env.CI === "true") throw new Error(`CI: ${message}`);
  console.warn(`\n*** SKIPPED: ${message} ***\n`);
  return null;
}
