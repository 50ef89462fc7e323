import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRootFrom } from "./package-root.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe("packageRootFrom", () => {
  it("finds the nearest folder above that holds a package.json", async () => {
    const top = await mkdtemp(path.join(tmpdir(), "boardsim-root-"));
    dirs.push(top);
    await writeFile(path.join(top, "package.json"), "{}");
    await mkdir(path.join(top, "dist", "deep"), { recursive: true });
    expect(packageRootFrom(path.join(top, "dist", "deep"))).toBe(top);
  });

  it("says so when no folder up to the filesystem's root has one (a bundle copied out of its package)", async () => {
    const lone = await mkdtemp(path.join(tmpdir(), "boardsim-lone-"));
    dirs.push(lone);
    expect(() => packageRootFrom(lone)).toThrow(`boardsim: no package.json in ${lone} or any folder above it`);
  });
});
