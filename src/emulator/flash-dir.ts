import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FlashProfile } from "../boards/profile.ts";
import { Flash, type FlashStore, type StoreEntry } from "./flash.ts";

/** The user's data folder for boardsim: $XDG_DATA_HOME/boardsim, else ~/.local/share/boardsim. */
export function defaultFlashDir(boardName: string): string {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share");
  return path.join(base, "boardsim", boardName);
}

/**
 * A board's flash kept in a folder on the PC (--flash, a console run): it outlives the run. A
 * symbolic link is not a file the board has (a board's LittleFS has none), so it is never followed.
 */
export class FlashDir extends Flash {
  constructor(dir: string, profile: FlashProfile) {
    const root = path.resolve(dir);
    let exists: fs.Stats | undefined;
    try {
      exists = fs.statSync(root);
    } catch {
      exists = undefined;
    }
    if (exists && !exists.isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
    if (!exists) makeFolders(root);
    fs.accessSync(root, fs.constants.R_OK | fs.constants.W_OK);
    // A new or empty folder is a blank flash, as after esptool's erase_flash: the first boot's
    // mount fails and inisetup.py formats it, prints "Performing initial setup" and writes boot.py
    // (ports/esp32/modules/_boot.py, inisetup.py setup(), v1.23.0; ports/esp8266 likewise). A board
    // whose files were all deleted keeps its formatted LittleFS and is not set up again: a folder
    // cannot tell that case apart, so such a folder is set up again (UNVERIFIED choice: a folder a
    // user made for a fresh board, `mkdir` or a temporary one, is the common case).
    super(new FolderStore(root), profile, !exists || fs.readdirSync(root).length === 0);
  }
}

class FolderStore implements FlashStore {
  constructor(readonly root: string) {}

  entry(at: string): StoreEntry | null {
    try {
      const st = fs.lstatSync(at);
      return { kind: st.isFile() ? "file" : st.isDirectory() ? "dir" : "other", size: st.size, mtimeMs: st.mtimeMs };
    } catch {
      return null;
    }
  }

  names(dir: string): string[] {
    return fs.readdirSync(dir);
  }

  truncate(at: string): void {
    const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
    fs.closeSync(fs.openSync(at, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW));
  }

  read(at: string, offset: number, size: number): Uint8Array {
    const fd = fs.openSync(at, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const buf = new Uint8Array(size);
      const n = fs.readSync(fd, buf, 0, size, offset);
      return buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  }

  write(at: string, offset: number, data: Uint8Array): number {
    const fd = fs.openSync(at, fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW);
    try {
      return fs.writeSync(fd, data, 0, data.length, offset);
    } finally {
      fs.closeSync(fd);
    }
  }

  mkdir(at: string): void {
    fs.mkdirSync(at);
  }

  rmdir(at: string): void {
    fs.rmdirSync(at);
  }

  unlink(at: string): void {
    fs.unlinkSync(at);
  }

  rename(from: string, to: string): void {
    fs.renameSync(from, to);
  }
}

/**
 * mkdir -p, one level at a time: Node's `recursive` mkdir loops for ever where mkdir answers ENOENT
 * under a folder that exists (a pseudo file system such as /proc/sys); here that ENOENT is thrown.
 */
function makeFolders(dir: string): void {
  const parent = path.dirname(dir);
  if (parent !== dir && !fs.existsSync(parent)) makeFolders(parent);
  fs.mkdirSync(dir);
}
