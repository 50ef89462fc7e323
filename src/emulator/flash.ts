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
const utf8 = new TextEncoder();

/** What a store holds at a path: a file, a directory, or something the board cannot see (a link, a device). */
export interface StoreEntry {
  kind: "file" | "dir" | "other";
  size: number;
  mtimeMs: number;
}

/**
 * Where a flash keeps its files (a folder on the PC, or memory). Paths are the store's own, made
 * by path.join from its root; the Flash has checked them, so a store only does what it is told.
 */
export interface FlashStore {
  readonly root: string;
  entry(at: string): StoreEntry | null;
  names(dir: string): string[];
  /** Creates an empty file, or empties one. */
  truncate(at: string): void;
  read(at: string, offset: number, size: number): Uint8Array;
  write(at: string, offset: number, data: Uint8Array): number;
  mkdir(at: string): void;
  rmdir(at: string): void;
  unlink(at: string): void;
  rename(from: string, to: string): void;
}

function fsError(errno: number): GuestException {
  return new GuestException("OSError", [errno]);
}

/**
 * A board's flash filesystem, as LittleFS (extmod/vfs_lfsx.c) behaves: paths are the board's
 * (absolute, "/" is the store's root); ".." stops at the root; what is not a file or directory is
 * not there. Sizes follow LittleFS roughly: each file takes whole blocks, each directory a
 * metadata pair (UNVERIFIED: LittleFS inlines small files in their directory's metadata; counted
 * as one block).
 */
export class Flash {
  readonly root: string;

  constructor(
    private readonly store: FlashStore,
    private readonly profile: FlashProfile,
    /** The first boot found the flash erased: the firmware formatted and set it up (inisetup.py). */
    readonly formatted: boolean,
  ) {
    this.root = store.root;
    if (formatted) for (const [name, text] of Object.entries(profile.firstBootFiles)) this.store.write(this.create(name), 0, utf8.encode(text));
  }

  private create(name: string): string {
    const at = path.join(this.root, name);
    this.store.truncate(at);
    return at;
  }

  /** The store path of a board path, or the errno the board would raise; never a path outside the root. */
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
      if (kind === null && (mustExist || !last || this.store.entry(at) !== null)) throw fsError(LFS.ENOENT);
      if (kind === "file" && !last) throw fsError(LFS.ENOTDIR);
    }
    return at;
  }

  /** What the board sees at a store path: a file, a directory, or nothing. */
  private kind(at: string): "file" | "dir" | null {
    const kind = this.store.entry(at)?.kind;
    return kind === "file" || kind === "dir" ? kind : null;
  }

  private size(at: string): number {
    return this.store.entry(at)?.size ?? 0;
  }

  /** stat(): `mtimeOf` turns the store's time of the last write (ms since 1970, the PC's) into the board's. */
  stat(boardPath: string, mtimeOf: (storeMs: number) => number): number[] {
    const at = this.resolve(boardPath, true);
    const entry = this.store.entry(at)!;
    const mtime = mtimeOf(entry.mtimeMs);
    const dir = at === this.root || entry.kind === "dir";
    // (mode, ino, dev, nlink, uid, gid, size, atime, mtime, ctime): vfs_lfsx.c stat
    return [dir ? S_IFDIR : S_IFREG, 0, 0, 0, 0, 0, dir ? 0 : entry.size, mtime, mtime, mtime];
  }

  /**
   * ilistdir()'s entries whose names sort after `after` ("": from the first), as many as fit in
   * `capacity` bytes (at least one), and whether entries are left after them: so that the guest
   * holds one piece's bytes in a buffer of its own, and makes each (name, type, inode, size) from
   * them when it is reached, as vfs_lfsx.c's iterator does. Each entry: its size (4 bytes,
   * little-endian; a directory's top bit set), its name's length in UTF-8 (2 bytes), the name.
   */
  listing(boardPath: string, after: string, capacity: number): [Uint8Array, boolean] {
    const at = this.resolve(boardPath, true);
    if (this.kind(at) === "file") throw fsError(LFS.ENOTDIR);
    const piece = new Uint8Array(capacity);
    const view = new DataView(piece.buffer);
    let used = 0;
    for (const name of this.store.names(at).sort()) {
      if (name <= after) continue;
      const kind = this.kind(path.join(at, name));
      if (kind === null) continue;
      const bytes = utf8.encode(name);
      if (used + 6 + bytes.length > capacity) {
        if (used === 0) throw new Error(`listing: a piece of ${capacity} bytes cannot hold ${name}`);
        return [piece.subarray(0, used), true];
      }
      view.setUint32(used, kind === "dir" ? 0x8000_0000 : this.size(path.join(at, name)), true);
      view.setUint16(used + 4, bytes.length, true);
      piece.set(bytes, used + 6);
      used += 6 + bytes.length;
    }
    return [piece.subarray(0, used), false];
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
      this.store.truncate(at);
    }
    return this.size(at);
  }

  read(boardPath: string, offset: number, size: number): Uint8Array {
    return this.store.read(this.resolve(boardPath, true), offset, size);
  }

  /** Writes at `offset`; a write that would not fit on the flash raises ENOSPC and writes nothing. */
  write(boardPath: string, offset: number, data: Uint8Array): number {
    const at = this.resolve(boardPath, true);
    const size = this.size(at);
    const end = Math.max(size, offset + data.length);
    const grow = this.fileBlocks(end) - this.fileBlocks(size);
    if (grow > 0) this.needBlocks(grow);
    return this.store.write(at, offset, data);
  }

  mkdir(boardPath: string): void {
    const at = this.resolve(boardPath, false);
    if (at === this.root || this.kind(at) !== null) throw fsError(LFS.EEXIST);
    this.needBlocks(2);
    this.store.mkdir(at);
  }

  /** remove() and rmdir() alike: LittleFS's lfs_remove takes a file or an empty directory (vfs_lfsx.c). */
  remove(boardPath: string): void {
    const at = this.resolve(boardPath, true);
    if (at === this.root) throw fsError(LFS.EINVAL);
    if (this.kind(at) === "dir") {
      if (this.store.names(at).length > 0) throw fsError(LFS.ENOTEMPTY);
      this.store.rmdir(at);
    } else this.store.unlink(at);
  }

  /** rename(): replaces an existing file, or an empty directory with a directory (lfs_rename). */
  rename(from: string, to: string): void {
    const src = this.resolve(from, true);
    const dst = this.resolve(to, false);
    if (src === this.root || dst === this.root) throw fsError(LFS.EINVAL);
    const srcKind = this.kind(src);
    const dstKind = this.kind(dst);
    if (dstKind !== null && dstKind !== srcKind) throw fsError(dstKind === "dir" ? LFS.EISDIR : LFS.ENOTDIR);
    if (dstKind === "dir" && src !== dst && this.store.names(dst).length > 0) throw fsError(LFS.ENOTEMPTY);
    if (dst.startsWith(src + path.sep)) throw fsError(LFS.EINVAL);
    this.store.rename(src, dst);
  }

  /** statvfs(): (bsize, frsize, blocks, bfree, bavail, files, ffree, favail, flag, namemax), vfs_lfsx.c:418-443. */
  statvfs(): number[] {
    const total = this.totalBlocks();
    const free = Math.max(0, total - this.usedBlocks());
    return [this.profile.blockBytes, this.profile.blockBytes, total, free, free, 0, 0, 0, 0, NAME_MAX];
  }

  /**
   * Of the module `names`, those import's stat finds in directory `dir` (a board path): a
   * directory of the name, or name.py or name.mpy as a file (py/builtinimport.c:98-112
   * stat_module, v1.23.0). One listing of the directory, not three stats per name.
   */
  modulesIn(dir: string, names: ReadonlySet<string>): string[] {
    let at: string;
    try {
      at = this.resolve(dir, true);
    } catch {
      return [];
    }
    if (at !== this.root && this.kind(at) !== "dir") return [];
    const found: string[] = [];
    for (const child of this.store.names(at)) {
      const stem = child.replace(/\.m?py$/, "");
      if (!names.has(stem)) continue;
      const kind = this.kind(path.join(at, child));
      if (stem === child ? kind === "dir" : kind === "file") found.push(stem);
    }
    return found;
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
      for (const name of this.store.names(dir)) {
        const at = path.join(dir, name);
        const kind = this.kind(at);
        if (kind === "dir") {
          used += 2;
          walk(at);
        } else if (kind === "file") used += this.fileBlocks(this.size(at));
      }
    };
    walk(this.root);
    return used;
  }
}
