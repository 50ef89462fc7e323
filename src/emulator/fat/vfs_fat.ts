/**
 * The VfsFat object's methods and its files' (extmod/vfs_fat.c, vfs_fat_file.c, v1.23.0) on the
 * FatFs-like driver of this folder: each one a generator of block requests (disk.ts).
 */
import { GuestException, type HostValue } from "../host-api.ts";
import { sinceEpoch, secondsSince2000 } from "../host/timeutils.ts";
import { Disk, FatError, FR, type FResult, type Io } from "./disk.ts";
import { AM_DIR } from "./dir.ts";
import { fChdir, fGetcwd, fMkdir, fOpendir, fReaddir, fRename, fStat, fUnlink, type DirPos, type FileInfo } from "./ff.ts";
import { FA_CREATE_ALWAYS, FA_CREATE_NEW, FA_OPEN_ALWAYS, FA_READ, FA_WRITE, fClose, fLseek, fOpen, fRead, fSync, fWrite, type Fil } from "./file.ts";
import { FM_FAT, FM_FAT32, FM_SFD, mkfs } from "./mkfs.ts";
import { mountVolume, Volume, type FatFs } from "./volume.ts";

/** A VfsFat object's state: its FATFS (null until mounted again, ff.c fs_type 0) and its block device's flags (extmod/vfs.h MP_BLOCKDEV_FLAG_*). */
export interface VfsState {
  fs: FatFs | null;
  /** MP_BLOCKDEV_FLAG_NO_FILESYSTEM: made without a filesystem on the device, for mount(mkfs=True). */
  noFs: boolean;
  /** The device has writeblocks and was not mounted read-only (vfs_fat.c:379-385). */
  writable: boolean;
}

/** fresult_to_errno_table (extmod/vfs_fat_file.c:39). */
const ERRNO: Record<FResult, number> = {
  [FR.DISK_ERR]: 5, // EIO
  [FR.INT_ERR]: 5,
  [FR.NOT_READY]: 16, // EBUSY
  [FR.NO_FILE]: 2, // ENOENT
  [FR.NO_PATH]: 2,
  [FR.INVALID_NAME]: 22, // EINVAL
  [FR.DENIED]: 13, // EACCES
  [FR.EXIST]: 17, // EEXIST
  [FR.INVALID_OBJECT]: 22,
  [FR.WRITE_PROTECTED]: 30, // EROFS
  [FR.NO_FILESYSTEM]: 19, // ENODEV
  [FR.MKFS_ABORTED]: 5,
  [FR.NOT_ENOUGH_CORE]: 12, // ENOMEM
};
const ENOTDIR = 20, EISDIR = 21, ENOSPC = 28;
/** FF_MAX_LFN: statvfs's f_namemax (vfs_fat.c:370). */
const NAME_MAX = 255;

class OsError extends Error {
  constructor(readonly errno: number) {
    super(`errno ${errno}`);
  }
}


/** An operation's result; `opened`: the file open() made; `listing`: the directory ilistdir() opened, with entries left to read. */
export type Result = { value: HostValue; opened?: Fil; listing?: DirPos };

/**
 * The entries ilistdir()'s iterator reads from the device in one call (at least; fat/ff.ts
 * fReaddir ends a piece at a sector's end): the firmware reads one at each step (vfs_fat.c:130-165,
 * f_readdir), holding none of them; each piece here costs the guest a few host calls.
 */
const LISTING_PIECE = 16;

/** The errno the firmware raises for a driver error (null: not one). */
export function errnoOf(e: unknown): number | null {
  if (e instanceof FatError) return ERRNO[e.fresult];
  if (e instanceof OsError) return e.errno;
  return null;
}

/** The operations, with the board's clock as FAT time (GET_FATTIME) and its epoch for stat(). */
export function vfsFat(fattime: () => number, epochYear: 1970 | 2000) {
  /** ff.c Fsid: each mount's id. */
  let fsid = 0;

  /** find_volume (ff.c:3110): the volume, mounted again if a mkfs cleared it; write calls on a read-only device are FR_WRITE_PROTECTED. */
  function* volume(disk: Disk, state: VfsState, write: boolean): Io<Volume> {
    if (!state.fs) state.fs = yield* mountVolume(disk, ++fsid);
    if (write && !state.writable) throw new FatError(FR.WRITE_PROTECTED);
    return new Volume(state.fs, disk);
  }

  /** f_mkfs as vfs_fat.c calls it; the volume is then mounted again at its next call (ff.c f_mkfs clears fs_type). */
  function* format(disk: Disk, state: VfsState, opts: readonly number[]): Io<void> {
    if (!state.writable) throw new FatError(FR.WRITE_PROTECTED);
    state.fs = null;
    for (const [i, opt] of opts.entries()) {
      try {
        return yield* mkfs(disk, opt, fattime());
      } catch (e) {
        if (!(e instanceof FatError && e.fresult === FR.MKFS_ABORTED && i < opts.length - 1)) throw e;
      }
    }
  }

  /** fat_vfs_make_new (vfs_fat.c:69): mounts the device; a device without a filesystem is kept for mkfs. */
  function* make(disk: Disk, state: VfsState): Io<void> {
    try {
      yield* volume(disk, state, false);
    } catch (e) {
      if (!(e instanceof FatError && e.fresult === FR.NO_FILESYSTEM)) throw e;
      state.noFs = true;
    }
  }

  function statTuple(info: FileInfo): number[] {
    const { date, time } = info;
    // UNVERIFIED: a date of 0 (a file not closed yet) has month 0, outside timeutils' table; taken as January.
    const since2000 = secondsSince2000(1980 + ((date >> 9) & 0x7f), Math.max(1, (date >> 5) & 0x0f), date & 0x1f, (time >> 11) & 0x1f, (time >> 5) & 0x3f, 2 * (time & 0x1f));
    const seconds = sinceEpoch(since2000, epochYear) >>> 0; // mp_obj_new_int_from_uint
    return [info.attrib & AM_DIR ? 0x4000 : 0x8000, 0, 0, 0, 0, 0, info.size, seconds, seconds, seconds];
  }

  /** An ilistdir() entry (vfs_fat.c:143-160): (name, MP_S_IFDIR or MP_S_IFREG, no inode, size). */
  function entryTuple(e: FileInfo): HostValue {
    return [e.name, e.attrib & AM_DIR ? 0x4000 : 0x8000, 0, e.size];
  }

  /** fat_vfs_remove_internal (vfs_fat.c:204): `dir` says whether a directory (rmdir) or a file (remove) is meant. */
  function* remove(disk: Disk, state: VfsState, path: string, dir: boolean): Io<void> {
    const info = yield* fStat(yield* volume(disk, state, false), path);
    if (Boolean(info.attrib & AM_DIR) !== dir) throw new OsError(dir ? ENOTDIR : EISDIR);
    yield* fUnlink(yield* volume(disk, state, true), path);
  }

  /** The VfsFat and file methods, as vfs_fat.c and vfs_fat_file.c implement them. */
  function* operation(op: string, state: VfsState, fil: Fil | DirPos | null, args: HostValue[]): Io<Result> {
    // The sectors this call touched; what it changed reaches the device before it returns, as
    // FatFs writes its window back at the end of each call that changed it.
    const disk = new Disk(state.fs?.ssize ?? 512);
    try {
      return yield* dispatch(disk, op, state, fil, args);
    } finally {
      yield* disk.flush();
    }
  }

  function* dispatch(disk: Disk, op: string, state: VfsState, handle: Fil | DirPos | null, args: HostValue[]): Io<Result> {
    const fil = op === "readdir" ? null : (handle as Fil | null);
    const str = (i: number) => {
      if (typeof args[i] !== "string") throw new GuestException("TypeError", ["can't convert to str implicitly"]);
      return args[i] as string;
    };
    const file = (): [Volume, Fil] => {
      if (!fil || !state.fs) throw new FatError(FR.INVALID_OBJECT);
      return [new Volume(state.fs, disk), fil];
    };
    switch (op) {
      case "new":
        yield* make(disk, state);
        return { value: null };
      case "mkfs": // vfs_fat.c:103
        yield* make(disk, state);
        yield* format(disk, state, [FM_FAT | FM_SFD, FM_FAT32]);
        return { value: null };
      case "mount": // vfs_fat.c:376
        if (args[0]) state.writable = false;
        if (state.noFs) {
          if (!args[1]) throw new FatError(FR.NO_FILESYSTEM);
          yield* format(disk, state, [FM_FAT | FM_SFD]);
        }
        state.noFs = false;
        return { value: null };
      case "ilistdir": {
        // vfs_fat.c:171-200: f_opendir at the call (its errors there), then its iterator's f_readdir
        // (:130-165), here a piece at a time: [entries, whether the directory has more]
        const vol = yield* volume(disk, state, false);
        const listing = yield* fOpendir(vol, str(0));
        const entries = yield* fReaddir(vol, listing, LISTING_PIECE);
        return { value: [entries.map(entryTuple), listing.sect !== 0], ...(listing.sect !== 0 ? { listing } : {}) };
      }
      case "readdir": {
        // The iterator's next piece; none once the directory ended or the volume was mounted again (ff.c validate).
        const listing = handle as DirPos | null;
        if (!listing || !state.fs) return { value: [[], false] };
        const entries = yield* fReaddir(new Volume(state.fs, disk), listing, LISTING_PIECE);
        return { value: [entries.map(entryTuple), listing.sect !== 0] };
      }
      case "stat": {
        const path = str(0);
        // vfs_fat.c:304: the root has no entry of its own.
        if (path === "" || path === "/") return { value: statTuple({ name: "", attrib: AM_DIR, size: 0, date: 0x2821, time: 0 }) };
        return { value: statTuple(yield* fStat(yield* volume(disk, state, false), path)) };
      }
      case "statvfs": {
        const vol = yield* volume(disk, state, false);
        const free = yield* vol.getFree();
        const bsize = vol.fs.csize * vol.ss;
        return { value: [bsize, bsize, vol.fs.nFatent - 2, free, free, 0, 0, 0, 0, NAME_MAX] };
      }
      case "remove":
      case "rmdir":
        yield* remove(disk, state, str(0), op === "rmdir");
        return { value: null };
      case "rename": // vfs_fat.c:238: a file in the way is removed first
        try {
          yield* fRename(yield* volume(disk, state, true), str(0), str(1));
        } catch (e) {
          if (!(e instanceof FatError && e.fresult === FR.EXIST)) throw e;
          yield* remove(disk, state, str(1), false);
          yield* fRename(yield* volume(disk, state, true), str(0), str(1));
        }
        return { value: null };
      case "mkdir":
        yield* fMkdir(yield* volume(disk, state, true), str(0), fattime());
        return { value: null };
      case "chdir":
        yield* fChdir(yield* volume(disk, state, false), str(0));
        return { value: null };
      case "getcwd":
        return { value: yield* fGetcwd(yield* volume(disk, state, false)) };
      case "open": {
        // vfs_fat_file.c:198: the mode's letters, in any order; 'b' makes a FileIO, else a TextIOWrapper.
        const modeText = str(1);
        let mode = 0;
        let text = true;
        for (const c of modeText) {
          if (c === "r") mode |= FA_READ;
          else if (c === "w") mode |= FA_WRITE | FA_CREATE_ALWAYS;
          else if (c === "x") mode |= FA_WRITE | FA_CREATE_NEW;
          else if (c === "a") mode |= FA_WRITE | FA_OPEN_ALWAYS;
          else if (c === "+") mode |= FA_READ | FA_WRITE;
          else if (c === "b") text = false;
          else if (c === "t") text = true;
        }
        const vol = yield* volume(disk, state, (mode & ~FA_READ) !== 0);
        const opened = yield* fOpen(vol, str(0), mode, fattime());
        if (mode & FA_OPEN_ALWAYS) yield* fLseek(vol, opened, opened.objsize);
        return { value: text, opened };
      }
      case "read": {
        const [vol, fp] = file();
        return { value: yield* fRead(vol, fp, Number(args[0])) };
      }
      case "write": {
        const [vol, fp] = file();
        const data = args[0] instanceof Uint8Array ? args[0] : new Uint8Array();
        const written = yield* fWrite(vol, fp, data);
        // vfs_fat_file.c:91: fewer bytes than asked means the disk is full.
        if (written !== data.length) throw new OsError(ENOSPC);
        return { value: written };
      }
      case "seek": {
        // vfs_fat_file.c:102: from the start, the position or the end; the offset is FatFs's unsigned FSIZE_t.
        const [vol, fp] = file();
        const [offset, whence] = [Number(args[0]), Number(args[1])];
        const base = whence === 1 ? fp.fptr : whence === 2 ? fp.objsize : 0;
        if (whence >= 0 && whence <= 2) yield* fLseek(vol, fp, (base + offset) >>> 0);
        return { value: fp.fptr };
      }
      case "flush": {
        const [vol, fp] = file();
        yield* fSync(vol, fp, fattime());
        return { value: null };
      }
      case "close": {
        // vfs_fat_file.c:130: closing a closed file does nothing.
        if (!fil || fil.id === 0) return { value: null };
        const [vol, fp] = file();
        yield* fClose(vol, fp, fattime());
        return { value: null };
      }
      default:
        throw new GuestException("AttributeError", [op]);
    }
  }

  return operation;
}
