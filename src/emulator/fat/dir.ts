import { FatError, FR, ld16, st16, type Io } from "./disk.ts";
import { cmpLfn, createName, genNumname, NS_DOT, NS_LAST, NS_LFN, NS_LOSS, NS_NOLFN, NS_NONAME, NSFLAG, pickLfn, putLfn, sumSfn } from "./names.ts";
import { FS_FAT32, type Volume } from "./volume.ts";

/** Directory entry fields and attributes (ff.c DIR_*, AM_*). */
export const DIR_Attr = 11, DIR_NTres = 12, DIR_CrtTime = 14, DIR_LstAccDate = 18, DIR_ModTime = 22, DIR_FileSize = 28;
export const AM_RDO = 0x01, AM_VOL = 0x08, AM_LFN = 0x0f, AM_DIR = 0x10, AM_ARC = 0x20, AM_MASK = 0x3f;
const SZDIRE = 32;
const DDEM = 0xe5;
const LLEF = 0x40;

/** A directory being read or searched: FatFs's DIR object (ff.h). */
export class Dir {
  /** The directory's first cluster (0: the root). */
  sclust = 0;
  clust = 0;
  /** The sector of the current entry (0: end of the directory). */
  sect = 0;
  /** The current entry's offset in the directory. */
  dptr = 0;
  /** Where the current entry's long-name entries start (0xFFFFFFFF: it has none). */
  blkOfs = 0xffffffff;
  /** The object found: its attributes. */
  attr = 0;
  /** The name searched for (create_name's output) and the long name read. */
  fn: Uint8Array = new Uint8Array(12);
  lfn: number[] = [];
  constructor(readonly vol: Volume) {}

  /** The current entry's 32 bytes (a view into the cached sector). */
  *entry(): Io<Uint8Array> {
    const b = yield* this.vol.disk.sector(this.sect);
    const at = this.dptr % this.vol.ss;
    return b.subarray(at, at + SZDIRE);
  }

  /** Marks the current entry's sector changed. */
  touch(): void {
    this.vol.disk.mark(this.sect);
  }
}

/** ld_clust / st_clust (ff.c:1804): an entry's first cluster. */
export function ldClust(vol: Volume, dir: Uint8Array): number {
  let cl = ld16(dir, 26);
  if (vol.fs.fsType === FS_FAT32) cl = (cl | (ld16(dir, 20) << 16)) >>> 0;
  return cl;
}
export function stClust(vol: Volume, dir: Uint8Array, cl: number): void {
  st16(dir, 26, cl & 0xffff);
  if (vol.fs.fsType === FS_FAT32) st16(dir, 20, cl >>> 16);
}

/** dir_sdi (ff.c:1653): to the entry at byte offset `ofs`. */
export function* dirSdi(dp: Dir, ofs: number): Io<void> {
  const { vol } = dp;
  const { fs } = vol;
  dp.dptr = ofs;
  let clst = dp.sclust;
  if (clst === 0 && fs.fsType >= FS_FAT32) clst = fs.dirbase;
  if (clst === 0) {
    if (ofs / SZDIRE >= fs.nRootdir) throw new FatError(FR.INT_ERR);
    dp.sect = fs.dirbase;
  } else {
    const csz = fs.csize * vol.ss;
    while (ofs >= csz) {
      clst = yield* vol.getFat(clst);
      if (clst < 2 || clst >= fs.nFatent) throw new FatError(FR.INT_ERR);
      ofs -= csz;
    }
    dp.sect = vol.clst2sect(clst);
  }
  dp.clust = clst;
  if (!dp.sect) throw new FatError(FR.INT_ERR);
  dp.sect += Math.floor(ofs / vol.ss);
}

/** dir_next (ff.c:1701): false at the end of the directory; `stretch` adds a cleared cluster there (FR_DENIED when full). */
export function* dirNext(dp: Dir, stretch: boolean): Io<boolean> {
  const { vol } = dp;
  const { fs } = vol;
  const ofs = dp.dptr + SZDIRE;
  if (dp.sect === 0) return false;
  if (ofs % vol.ss === 0) {
    dp.sect++;
    if (dp.clust === 0) {
      if (ofs / SZDIRE >= fs.nRootdir) {
        dp.sect = 0;
        return false;
      }
    } else if ((ofs / vol.ss) % fs.csize === 0) {
      let clst = yield* vol.nextCluster(dp.clust);
      if (clst >= fs.nFatent) {
        if (!stretch) {
          dp.sect = 0;
          return false;
        }
        clst = yield* vol.createChain(dp.clust);
        if (clst === 0) throw new FatError(FR.DENIED);
        dirClear(vol, clst);
      }
      dp.clust = clst;
      dp.sect = vol.clst2sect(clst);
    }
  }
  dp.dptr = ofs;
  return true;
}

/** dir_clear (ff.c:1614): a new directory cluster, zeroed. */
export function dirClear(vol: Volume, clst: number): void {
  const sect = vol.clst2sect(clst);
  for (let i = 0; i < vol.fs.csize; i++) vol.disk.fresh(sect + i);
}

/** dir_alloc (ff.c:1762): `nent` free entries in a row (the last one current); FR_DENIED when there are none. */
function* dirAlloc(dp: Dir, nent: number): Io<void> {
  yield* dirSdi(dp, 0);
  let n = 0;
  do {
    const c = (yield* dp.entry())[0];
    if (c === DDEM || c === 0) {
      if (++n === nent) return;
    } else n = 0;
  } while (yield* dirNext(dp, true));
  throw new FatError(FR.DENIED);
}

/** dir_read (ff.c:2304) for files and directories: the next entry, with its long name; false at the end. */
export function* dirRead(dp: Dir): Io<boolean> {
  let ord = 0xff, sum = 0xff;
  while (dp.sect) {
    const dir = yield* dp.entry();
    const b = dir[0]!;
    if (b === 0) break;
    const attr = (dp.attr = dir[DIR_Attr]! & AM_MASK);
    if (b === DDEM || b === 0x2e || (attr & ~AM_ARC) === AM_VOL) {
      ord = 0xff;
    } else if (attr === AM_LFN) {
      let c = b;
      if (c & LLEF) {
        sum = dir[13]!;
        c &= ~LLEF;
        ord = c;
        dp.blkOfs = dp.dptr;
        dp.lfn = [];
      }
      ord = c === ord && sum === dir[13] && pickLfn(dp.lfn, dir) ? ord - 1 : 0xff;
    } else {
      if (ord !== 0 || sum !== sumSfn(dir)) dp.blkOfs = 0xffffffff;
      return true;
    }
    if (!(yield* dirNext(dp, false))) break;
  }
  dp.sect = 0;
  return false;
}

/** dir_find (ff.c:2382): the entry named dp.fn / dp.lfn; false if there is none. */
export function* dirFind(dp: Dir): Io<boolean> {
  yield* dirSdi(dp, 0);
  let ord = 0xff, sum = 0xff;
  dp.blkOfs = 0xffffffff;
  do {
    const dir = yield* dp.entry();
    const c = dir[0]!;
    if (c === 0) return false;
    const a = (dp.attr = dir[DIR_Attr]! & AM_MASK);
    if (c === DDEM || (a & AM_VOL && a !== AM_LFN)) {
      ord = 0xff;
      dp.blkOfs = 0xffffffff;
    } else if (a === AM_LFN) {
      if (!(dp.fn[NSFLAG]! & NS_NOLFN)) {
        let o = c;
        if (o & LLEF) {
          sum = dir[13]!;
          o &= ~LLEF;
          ord = o;
          dp.blkOfs = dp.dptr;
        }
        ord = o === ord && sum === dir[13] && cmpLfn(dp.lfn, dir) ? ord - 1 : 0xff;
      }
    } else {
      if (ord === 0 && sum === sumSfn(dir)) return true;
      if (!(dp.fn[NSFLAG]! & NS_LOSS) && dir.subarray(0, 11).every((v, i) => v === dp.fn[i])) return true;
      ord = 0xff;
      dp.blkOfs = 0xffffffff;
    }
  } while (yield* dirNext(dp, false));
  return false;
}

/** dir_register (ff.c:2463): new entries for dp.fn / dp.lfn (a numbered short name if needed); the short-name entry is current. */
export function* dirRegister(dp: Dir): Io<void> {
  if (dp.fn[NSFLAG]! & (NS_DOT | NS_NONAME)) throw new FatError(FR.INVALID_NAME);
  const sn = dp.fn.slice();
  if (sn[NSFLAG]! & NS_LOSS) {
    let n = 1;
    for (; n < 100; n++) {
      dp.fn = new Uint8Array(12);
      dp.fn.set(genNumname(sn, dp.lfn, n));
      dp.fn[NSFLAG] = NS_NOLFN;
      if (!(yield* dirFind(dp))) break;
    }
    if (n === 100) throw new FatError(FR.DENIED);
    dp.fn[NSFLAG] = sn[NSFLAG]!;
  }
  let nent = sn[NSFLAG]! & NS_LFN ? Math.floor((dp.lfn.length + 12) / 13) + 1 : 1;
  yield* dirAlloc(dp, nent);
  if (--nent) {
    yield* dirSdi(dp, dp.dptr - nent * SZDIRE);
    const sum = sumSfn(dp.fn);
    do {
      putLfn(dp.lfn, yield* dp.entry(), nent, sum);
      dp.touch();
      yield* dirNext(dp, false);
    } while (--nent);
  }
  const dir = yield* dp.entry();
  dir.fill(0);
  dir.set(dp.fn.subarray(0, 11));
  dir[DIR_NTres] = dp.fn[NSFLAG]! & 0x18; // NS_BODY | NS_EXT
  dp.touch();
}

/** dir_remove (ff.c:2569): marks the entry and its long-name entries deleted. */
export function* dirRemove(dp: Dir): Io<void> {
  const last = dp.dptr;
  if (dp.blkOfs !== 0xffffffff) yield* dirSdi(dp, dp.blkOfs);
  for (;;) {
    (yield* dp.entry())[0] = DDEM;
    dp.touch();
    if (dp.dptr >= last) return;
    if (!(yield* dirNext(dp, false))) throw new FatError(FR.INT_ERR);
  }
}

/**
 * follow_path (ff.c:2996) with relative paths (FF_FS_RPATH 2): from the root or the current
 * directory, segment by segment. Returns whether the last segment was found; a missing directory
 * on the way is FR_NO_PATH. dp.fn[NSFLAG] has NS_NONAME when the path names the start directory.
 */
export function* followPath(dp: Dir, path: readonly number[]): Io<boolean> {
  let p = 0;
  if (path[0] !== 0x2f && path[0] !== 0x5c) dp.sclust = dp.vol.fs.cdir;
  else {
    while (path[p] === 0x2f || path[p] === 0x5c) p++;
    dp.sclust = 0;
  }
  if (p >= path.length || path[p]! < 0x20) {
    dp.fn[NSFLAG] = NS_NONAME;
    yield* dirSdi(dp, 0);
    return true;
  }
  for (;;) {
    const seg = createName(path, p);
    if (!seg) throw new FatError(FR.INVALID_NAME);
    dp.fn = seg.fn;
    dp.lfn = seg.lfn;
    p = seg.next;
    const ns = seg.fn[NSFLAG]!;
    if (!(yield* dirFind(dp))) {
      if (ns & NS_DOT) {
        if (!(ns & NS_LAST)) continue;
        dp.fn[NSFLAG] = NS_NONAME;
        return true;
      }
      if (!(ns & NS_LAST)) throw new FatError(FR.NO_PATH);
      return false;
    }
    if (ns & NS_LAST) return true;
    if (!(dp.attr & AM_DIR)) throw new FatError(FR.NO_PATH);
    dp.sclust = ldClust(dp.vol, yield* dp.entry());
  }
}
