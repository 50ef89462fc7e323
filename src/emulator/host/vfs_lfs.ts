import path from "node:path";
import type { Flash } from "../flash.ts";
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { since2000, sinceEpoch } from "./timeutils.ts";

/**
 * The board's flash filesystem, LittleFS as extmod/vfs_lfsx.c serves it (guest side:
 * micropython/guest/_flash.py, a VFS mounted at "/" as the firmware's _boot.py mounts its
 * LittleFS). The work happens in the board's Flash (flash.ts): a PC folder or memory.
 */
export function vfs_lfs(board: BoardContext) {
  const flash = () => board.flash;
  const { epochYear } = board.profile.port;
  // The top-level names of the firmware's frozen modules (asyncio for asyncio/core.py ...)
  const frozen = new Set(board.profile.port.firmwareModules.frozen.map((file) => file.split("/")[0]));
  return {
    flashStat: (path: string): HostValue => {
      // The times in the port's epoch (v1.23.0 extmod/vfs_lfsx.c:390
      // timeutils_seconds_since_epoch_from_nanoseconds_since_1970): since 1970 on the Pico W
      // (ports/rp2/mpconfigport.h:103 MICROPY_EPOCH_IS_1970), since 2000 on the ESP boards.
      const tuple = flash().stat(path);
      for (const i of [7, 8, 9]) tuple[i] = Math.max(0, sinceEpoch(since2000(tuple[i]!, 1970), epochYear));
      return tuple;
    },
    flashIlistdir: (path: string): HostValue => flash().ilistdir(path),
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
