import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/**
 * The board's flash filesystem, LittleFS as extmod/vfs_lfsx.c serves it (guest side:
 * micropython/guest/_flash.py, a VFS mounted at "/" as the firmware's _boot.py mounts its
 * LittleFS). The work happens in the board's Flash (flash.ts): a PC folder or memory.
 */
export function vfs_lfs(board: BoardContext) {
  const flash = () => board.flash;
  return {
    flashStat: (path: string): HostValue => flash().stat(path),
    flashIlistdir: (path: string): HostValue => flash().ilistdir(path),
    flashOpen: (path: string, mode: string): number => flash().open(path, mode),
    flashRead: (path: string, offset: number, size: number): Uint8Array => flash().read(path, offset, size),
    flashWrite: (path: string, offset: number, data: Uint8Array): number => flash().write(path, offset, data),
    flashMkdir: (path: string): null => (flash().mkdir(path), null),
    flashRemove: (path: string): null => (flash().remove(path), null),
    flashRename: (from: string, to: string): null => (flash().rename(from, to), null),
    flashStatvfs: (): HostValue => flash().statvfs(),
    flashIsDir: (path: string): boolean => flash().isDir(path),
    // 1 or 0: an integer crosses the bridge without JSON, so an import's search leaves no garbage on the heap
    flashHasModule: (name: string, cwd: string, entries: string[]): number => (flash().hasModule(name, cwd, entries) ? 1 : 0),
  } satisfies HostCalls<"vfs_lfs">;
}
