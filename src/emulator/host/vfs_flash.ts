import type { FlashDir } from "../flash-dir.ts";
import type { HostValue } from "../host-api.ts";

/**
 * Host calls of the board's flash filesystem (guest side: micropython/guest/_flash.py, a VFS
 * mounted at "/" as the firmware's _boot.py mounts its LittleFS). The work happens here, on the
 * PC folder, confined to it by FlashDir.
 */
export function flashHostFunctions(flash: FlashDir) {
  return {
    flashStat: (path: string): HostValue => flash.stat(path),
    flashIlistdir: (path: string): HostValue => flash.ilistdir(path),
    flashOpen: (path: string, mode: string): number => flash.open(path, mode),
    flashRead: (path: string, offset: number, size: number): Uint8Array => flash.read(path, offset, size),
    flashWrite: (path: string, offset: number, data: Uint8Array): number => flash.write(path, offset, data),
    flashMkdir: (path: string): null => (flash.mkdir(path), null),
    flashRemove: (path: string): null => (flash.remove(path), null),
    flashRename: (from: string, to: string): null => (flash.rename(from, to), null),
    flashStatvfs: (): HostValue => flash.statvfs(),
    flashIsDir: (path: string): boolean => flash.isDir(path),
  };
}
