import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FlashProfile } from "../boards/profile.ts";
import { GuestException } from "./host-api.ts";

/**
 * LittleFS's error numbers (lib/littlefs/lfs2.h:72-86): vfs_lfsx.c raises OSError(-err) with them
 * as they are, on every port, so the board's errorcode table names them (or prints them bare).
 */
const LFS = { ENOENT: 2, EBADF: 9, EEXIST: 17, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENOSPC: 28, ENAMETOOLONG: 36, ENOTEMPTY: 39 } as const;
/** LFS2_NAME_MAX: statvfs's f_namemax and the longest name. */
const NAME_MAX = 255;
/** stat() st_mode: MP_S_IFDIR / MP_S_IFREG (extmod/vfs.h). */
const S_IFDIR = 0x4000;
const S_IFREG = 0x8000;
/** The ports' epoch is 2000-01-01 (MICROPY_EPOCH_IS_2000 on rp2, esp32, esp8266): stat()'s times count from it. */
const EPOCH_2000_S = 946_684_800;

function fsError(errno: number): GuestException {
  return new GuestException("OSError", [errno]);
}

/** The user's data folder for boardsim: $XDG_DATA_HOME/boardsim, else ~/.local/share/boardsim. */
export function defaultFlashDir(boardName: string): string {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share");
  return path.join(base, "boardsim", boardName);
}

/**
 * A board's flash filesystem, kept in a folder on the PC. Paths are the board's (absolute, "/"
 * is the folder); nothing outside the folder is reachable: ".." stops at the root, and a symbolic
 * link is not a file the board has (a board's LittleFS has none), so it is never followed.
 * Sizes follow LittleFS roughly: each file takes whole blocks, each directory a metadata pair
 * (UNVERIFIED: LittleFS inlines small files in their directory's metadata; counted as one block).
 */
export class FlashDir {
  readonly root: string;
  /** The first boot found the folder missing: the firmware formatted and set it up (inisetup.py). */
  readonly formatted: boolean;

  constructor(
    dir: string,
    private readonly profile: FlashProfile,
  ) {
    this.root = path.resolve(dir);
    let exists: fs.Stats | undefined;
    try {
      exists = fs.statSync(this.root);
    } catch {
      exists = undefined;
    }
    if (exists && !exists.isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
    this.formatted = !exists;
    if (!exists) {
      makeFolders(this.root);
      for (const [name, text] of Object.entries(profile.firstBootFiles)) fs.writeFileSync(path.join(this.root, name), text);
    }
    fs.accessSync(this.root, fs.constants.R_OK | fs.constants.W_OK);
  }

  /** The PC path of a board path, or the errno the board would raise; never a path outside the folder. */
  private resolve(boardPath: string, mustExist: boolean): string {
    if (typeof boardPath !== "string" || boardPath.includes("\0")) throw fsError(LFS.EINVAL);
    const parts: string[] = [];
    for (const part of boardPath.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") parts.pop();
      else if (part.length > NAME_MAX) throw fsError(LFS.ENAMETOOLONG);
      else parts.push(part);
    }
    let at = this.root;
    for (const [i, part] of parts.entries()) {
      at = path.join(at, part);
      const last = i === parts.length - 1;
      const kind = this.kind(at);
      // Something the board cannot see (a symbolic link, a device) cannot be created over either.
      if (kind === null && (mustExist || !last || this.exists(at))) throw fsError(LFS.ENOENT);
      if (kind === "file" && !last) throw fsError(LFS.ENOTDIR);
    }
    return at;
  }

  private exists(pcPath: string): boolean {
    try {
      fs.lstatSync(pcPath);
      return true;
    } catch {
      return false;
    }
  }

  /** What the board sees at a PC path: a file, a directory, or nothing (missing, a link, a device). */
  private kind(pcPath: string): "file" | "dir" | null {
    try {
      const st = fs.lstatSync(pcPath);
      return st.isFile() ? "file" : st.isDirectory() ? "dir" : null;
    } catch {
      return null;
    }
  }

  stat(boardPath: string): number[] {
    const at = this.resolve(boardPath, true);
    const st = fs.lstatSync(at);
    const mtime = Math.max(0, Math.floor(st.mtimeMs / 1000) - EPOCH_2000_S);
    const dir = at === this.root || st.isDirectory();
    // (mode, ino, dev, nlink, uid, gid, size, atime, mtime, ctime): vfs_lfsx.c stat
    return [dir ? S_IFDIR : S_IFREG, 0, 0, 0, 0, 0, dir ? 0 : st.size, mtime, mtime, mtime];
  }

  /** ilistdir(): (name, type, inode, size) for each entry, as vfs_lfsx.c gives them. */
  ilistdir(boardPath: string): [string, number, number, number][] {
    const at = this.resolve(boardPath, true);
    if (this.kind(at) === "file") throw fsError(LFS.ENOTDIR);
    const entries: [string, number, number, number][] = [];
    for (const name of fs.readdirSync(at).sort()) {
      const kind = this.kind(path.join(at, name));
      if (kind === "dir") entries.push([name, S_IFDIR, 0, 0]);
      else if (kind === "file") entries.push([name, S_IFREG, 0, fs.statSync(path.join(at, name)).size]);
    }
    return entries;
  }

  /** open(): checks and creates or truncates as the mode says; returns the file's size. */
  open(boardPath: string, mode: string): number {
    const at = this.resolve(boardPath, false);
    const kind = this.kind(at);
    if (kind === "dir" || at === this.root) throw fsError(LFS.EISDIR);
    const writes = /[wax+]/.test(mode);
    if (kind === null && !writes) throw fsError(LFS.ENOENT);
    if (kind === "file" && mode.includes("x")) throw fsError(LFS.EEXIST);
    if (kind === null || mode.includes("w")) {
      if (kind === null) this.needBlocks(1);
      const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
      fs.closeSync(fs.openSync(at, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW));
    }
    return fs.lstatSync(at).size;
  }

  read(boardPath: string, offset: number, size: number): Uint8Array {
    const fd = fs.openSync(this.resolve(boardPath, true), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const buf = new Uint8Array(size);
      const n = fs.readSync(fd, buf, 0, size, offset);
      return buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Writes at `offset`; a write that would not fit on the flash raises ENOSPC and writes nothing. */
  write(boardPath: string, offset: number, data: Uint8Array): number {
    const at = this.resolve(boardPath, true);
    const size = fs.lstatSync(at).size;
    const end = Math.max(size, offset + data.length);
    const grow = this.fileBlocks(end) - this.fileBlocks(size);
    if (grow > 0) this.needBlocks(grow);
    const fd = fs.openSync(at, fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW);
    try {
      return fs.writeSync(fd, data, 0, data.length, offset);
    } finally {
      fs.closeSync(fd);
    }
  }

  mkdir(boardPath: string): void {
    const at = this.resolve(boardPath, false);
    if (at === this.root || this.kind(at) !== null) throw fsError(LFS.EEXIST);
    this.needBlocks(2);
    fs.mkdirSync(at);
  }

  /** remove() and rmdir() alike: LittleFS's lfs_remove takes a file or an empty directory (vfs_lfsx.c). */
  remove(boardPath: string): void {
    const at = this.resolve(boardPath, true);
    if (at === this.root) throw fsError(LFS.EINVAL);
    if (this.kind(at) === "dir") {
      if (fs.readdirSync(at).length > 0) throw fsError(LFS.ENOTEMPTY);
      fs.rmdirSync(at);
    } else fs.unlinkSync(at);
  }

  /** rename(): replaces an existing file, or an empty directory with a directory (lfs_rename). */
  rename(from: string, to: string): void {
    const src = this.resolve(from, true);
    const dst = this.resolve(to, false);
    if (src === this.root || dst === this.root) throw fsError(LFS.EINVAL);
    const srcKind = this.kind(src);
    const dstKind = this.kind(dst);
    if (dstKind !== null && dstKind !== srcKind) throw fsError(dstKind === "dir" ? LFS.EISDIR : LFS.ENOTDIR);
    if (dstKind === "dir" && src !== dst && fs.readdirSync(dst).length > 0) throw fsError(LFS.ENOTEMPTY);
    if (dst.startsWith(src + path.sep)) throw fsError(LFS.EINVAL);
    fs.renameSync(src, dst);
  }

  /** statvfs(): (bsize, frsize, blocks, bfree, bavail, files, ffree, favail, flag, namemax), vfs_lfsx.c:418-443. */
  statvfs(): number[] {
    const total = this.totalBlocks();
    const free = Math.max(0, total - this.usedBlocks());
    return [this.profile.blockBytes, this.profile.blockBytes, total, free, free, 0, 0, 0, 0, NAME_MAX];
  }

  /** Checks that the path names a directory (chdir()). */
  isDir(boardPath: string): boolean {
    const at = this.resolve(boardPath, true);
    return at === this.root || this.kind(at) === "dir";
  }

  private totalBlocks(): number {
    return Math.floor(this.profile.bytes / this.profile.blockBytes);
  }

  /** A file takes at least one block. */
  private fileBlocks(bytes: number): number {
    return Math.max(1, Math.ceil(bytes / this.profile.blockBytes));
  }

  private needBlocks(n: number): void {
    if (this.usedBlocks() + n > this.totalBlocks()) throw fsError(LFS.ENOSPC);
  }

  /** Blocks in use: the superblock pair, a metadata pair per directory, each file's data blocks. */
  private usedBlocks(): number {
    let used = 2;
    const walk = (dir: string) => {
      for (const name of fs.readdirSync(dir)) {
        const at = path.join(dir, name);
        const kind = this.kind(at);
        if (kind === "dir") {
          used += 2;
          walk(at);
        } else if (kind === "file") used += this.fileBlocks(fs.statSync(at).size);
      }
    };
    walk(this.root);
    return used;
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
