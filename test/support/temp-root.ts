// vitest globalSetup: every temporary file of the run (tests, the CLIs they start, tsx's cache) goes
// into one folder of its own, removed when the run ends, so the suite leaves nothing in /tmp.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), "boardsim-test-run-"));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root; // the test workers and the processes they start inherit it
  return () => {
    process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
