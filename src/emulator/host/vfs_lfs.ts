import path from "node:path";
import type { Flash } from "../flash.ts";
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { MS_1970_TO_2000 } from "./timeutils.ts";

/**
 * The board's flash filesystem, LittleFS as extmod/vfs_lfsx.c serves it (guest side:
 * micropython/guest/_flash.py, a VFS mounted at "/" as the firmware's _boot.py mounts its
 * LittleFS). The work happens in the board's Flash (flash.ts): a PC folder or memory.
 */
export function vfs_lfs(board: BoardContext) {
  const flash = () => board.flash;
  // The top-level names of the firmware's frozen modules (asyncio for asyncio/core.py ...)
  const frozen = new Set(board.profile.port.firmwareModules.frozen.map((file) => file.split("/")[0]));
  const epochMs = board.profile.port.epochYear === 2000 ? MS_1970_TO_2000 : 0;
  // vfs_lfsx.c (v1.23.0) 381-405: st_mtime is the board's clock at the last write (lfs_get_mtime:
  // mp_hal_time_ns), in seconds since the port's epoch (rp2 1970, ESP 2000). The store keeps the
  // PC's time of the write; the board's is that less the PC clock's lead over the board's now (a
  // file from an earlier boot, whose clock had another offset, is placed by this one's: UNVERIFIED).
  const mtimeOf = (storeMs: number) => Math.max(0, Math.floor((storeMs - (Date.now() - board.rtcNowMs()) - epochMs) / 1000));
  return {
    flashStat: (path: string): HostValue => flash().stat(path, mtimeOf),
    // A piece of a listing at a time, into the guest's buffer of `capacity` bytes (_flash.py iterator).
    flashIlistdir: (path: string, after: string, capacity: number): HostValue => flash().listing(path, after, capacity),
    flashOpen: (path: string, mode: string): number => flash().open(path, mode),
    flashRead: (path: string, offset: number, size: number): Uint8Array => flash().read(path, offset, size),
    flashWrite: (path: string, offset: number, data: Uint8Array): number => flash().write(path, offset, data),
    flashMkdir: (path: string): null => (flash().mkdir(path), null),
    flashRemove: (path: string): null => (flash().remove(path), null),
    flashRename: (from: string, to: string): null => (flash().rename(from, to), null),
    flashStatvfs: (): HostValue => flash().statvfs(),
    flashIsDir: (path: string): boolean => flash().isDir(path),
    // Of `names`, those import loads from a file of the flash: one call for them all, as the .py
    // boot asks of every module a file may shadow.
    flashModules: (names: string[], cwd: string, entries: string[], beside: string[]): string[] => modulesOnFlash(flash(), frozen, names, cwd, entries, beside),
  } satisfies HostCalls<"vfs_lfs">;
}

/**
 * py/builtinimport.c:117-152 (stat_top_level, v1.23.0): the sys.path `entries` in order (relative
 * ones from `cwd`), the first that holds a name wins: a folder of the flash, or ".frozen", the
 * firmware's `frozen` modules (:57-70). Of `names`, those a folder of the flash has first.
 * `beside`: the script's neighbour modules (runtime/script.ts scriptNeighbours), files in "/".
 */
function modulesOnFlash(flash: Flash, frozen: ReadonlySet<string>, names: string[], cwd: string, entries: string[], beside: string[]): string[] {
  const wanted = new Set(names);
  const found = new Set<string>();
  for (const entry of entries) {
    if (wanted.size === 0) break;
    if (typeof entry !== "string" || entry.startsWith(".frozen/")) continue;
    if (entry === ".frozen") {
      for (const name of wanted) if (frozen.has(name)) wanted.delete(name);
      continue;
    }
    const dir = path.posix.resolve(cwd, entry);
    const held = [...flash.modulesIn(dir, wanted), ...(dir === "/" ? beside.filter((name) => wanted.has(name)) : [])];
    for (const name of held) {
      found.add(name);
      wanted.delete(name);
    }
  }
  return names.filter((name) => found.has(name));
}
