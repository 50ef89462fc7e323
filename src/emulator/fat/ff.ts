import { FatError, FR, ld16, ld32, st32, type Io } from "./disk.ts";
import { AM_DIR, AM_RDO, DIR_Attr, DIR_FileSize, DIR_ModTime, Dir, dirClear, dirNext, dirRead, dirRegister, dirRemove, dirSdi, followPath, ldClust, stClust } from "./dir.ts";
import { entryName, NS_DOT, NS_NONAME, NSFLAG, pathUnits } from "./names.ts";
import type { Volume } from "./volume.ts";

/** What f_stat and f_readdir tell of an entry (ff.h FILINFO). */
export interface FileInfo {
  name: string;
  attrib: number;
  size: number;
  /** FAT date and time (ff.h fdate, ftime). */
  date: number;
  time: number;
}

function* fileInfo(dp: Dir): Io<FileInfo> {
  const dir = yield* dp.entry();
  return {
    name: entryName(dir, dp.blkOfs !== 0xffffffff ? dp.lfn : null),
    attrib: dir[DIR_Attr]!,
    size: ld32(dir, DIR_FileSize),
    time: ld16(dir, DIR_ModTime),
    date: ld16(dir, DIR_ModTime + 2),
  };
}

/** f_stat (ff.c:4454). */
export function* fStat(vol: Volume, path: string): Io<FileInfo> {
  const dj = new Dir(vol);
  if (!(yield* followPath(dj, pathUnits(path)))) throw new FatError(FR.NO_FILE);
  if (dj.fn[NSFLAG]! & NS_NONAME) throw new FatError(FR.INVALID_NAME);
  return yield* fileInfo(dj);
}

/** An open directory between f_readdir calls (ff.h DIR): its mount's id and where it has read to. */
export interface DirPos {
  id: number;
  sclust: number;
  clust: number;
  sect: number;
  dptr: number;
}

/** f_opendir (ff.c:4270): the directory at `path`, at its first entry. */
export function* fOpendir(vol: Volume, path: string): Io<DirPos> {
  const dp = new Dir(vol);
  if (!(yield* followPath(dp, pathUnits(path)))) throw new FatError(FR.NO_PATH);
  if (!(dp.fn[NSFLAG]! & NS_NONAME)) {
    if (!(dp.attr & AM_DIR)) throw new FatError(FR.NO_PATH);
    dp.sclust = ldClust(vol, yield* dp.entry());
  }
  yield* dirSdi(dp, 0);
  return { id: vol.fs.id, sclust: dp.sclust, clust: dp.clust, sect: dp.sect, dptr: dp.dptr };
}

/**
 * f_readdir (ff.c:4366) from `pos` on, which it moves: at least `least` entries (fewer at the end),
 * then those left in the sector it reached, so that the next call starts on a sector not yet read
 * (FatFs keeps the sector in its window between calls). None once the end is reached, or when the
 * volume was mounted again since f_opendir (ff.c validate: FR_INVALID_OBJECT, which vfs_fat.c's
 * iterator takes as the end).
 */
export function* fReaddir(vol: Volume, pos: DirPos, least: number): Io<FileInfo[]> {
  const entries: FileInfo[] = [];
  if (pos.id !== vol.fs.id) return entries;
  const dp = new Dir(vol);
  Object.assign(dp, { sclust: pos.sclust, clust: pos.clust, sect: pos.sect, dptr: pos.dptr });
  while (yield* dirRead(dp)) {
    entries.push(yield* fileInfo(dp));
    const sect = dp.sect;
    if (!(yield* dirNext(dp, false))) dp.sect = 0;
    if (dp.sect === 0 || (entries.length >= least && dp.sect !== sect)) break;
  }
  Object.assign(pos, { clust: dp.clust, sect: dp.sect, dptr: dp.dptr });
  return entries;
}

/** f_unlink (ff.c:4627): a file, or an empty directory that is not the current one. */
export function* fUnlink(vol: Volume, path: string): Io<void> {
  const dj = new Dir(vol);
  if (!(yield* followPath(dj, pathUnits(path)))) throw new FatError(FR.NO_FILE);
  if (dj.fn[NSFLAG]! & (NS_DOT | NS_NONAME)) throw new FatError(FR.INVALID_NAME);
  if (dj.attr & AM_RDO) throw new FatError(FR.DENIED);
  const dclst = ldClust(vol, yield* dj.entry());
  if (dj.attr & AM_DIR) {
    if (dclst === vol.fs.cdir) throw new FatError(FR.DENIED);
    const sdj = new Dir(vol);
    sdj.sclust = dclst;
    yield* dirSdi(sdj, 0);
    if (yield* dirRead(sdj)) throw new FatError(FR.DENIED); // not empty
  }
  yield* dirRemove(dj);
  if (dclst !== 0) yield* vol.removeChain(dclst);
  yield* vol.sync();
}

/** f_mkdir (ff.c:4721): a cluster with "." and "..", then its entry; FR_DENIED when the volume is full. */
export function* fMkdir(vol: Volume, path: string, now: number): Io<void> {
  const dj = new Dir(vol);
  if (yield* followPath(dj, pathUnits(path))) throw new FatError(FR.EXIST);
  if (dj.fn[NSFLAG]! & NS_DOT) throw new FatError(FR.INVALID_NAME);
  const dcl = yield* vol.createChain(0);
  if (dcl === 0) throw new FatError(FR.DENIED);
  try {
    dirClear(vol, dcl);
    const win = yield* vol.disk.sector(vol.clst2sect(dcl));
    const dot = win.subarray(0, 32);
    dot.fill(0x20, 0, 11);
    dot[0] = 0x2e;
    dot[DIR_Attr] = AM_DIR;
    st32(dot, DIR_ModTime, now);
    stClust(vol, dot, dcl);
    win.copyWithin(32, 0, 32);
    win[33] = 0x2e;
    stClust(vol, win.subarray(32, 64), dj.sclust);
    yield* dirRegister(dj);
  } catch (e) {
    yield* vol.removeChain(dcl);
    throw e;
  }
  const dir = yield* dj.entry();
  st32(dir, DIR_ModTime, now);
  stClust(vol, dir, dcl);
  dir[DIR_Attr] = AM_DIR;
  dj.touch();
  yield* vol.sync();
}

/** f_rename (ff.c:4805): FR_EXIST when the new name is taken (vfs_fat.c then removes a file there and tries again). */
export function* fRename(vol: Volume, oldPath: string, newPath: string): Io<void> {
  const djo = new Dir(vol);
  if (!(yield* followPath(djo, pathUnits(oldPath)))) throw new FatError(FR.NO_FILE);
  if (djo.fn[NSFLAG]! & (NS_DOT | NS_NONAME)) throw new FatError(FR.INVALID_NAME);
  const buf = (yield* djo.entry()).slice();
  const djn = new Dir(vol);
  if (yield* followPath(djn, pathUnits(newPath))) {
    if (!(djn.sclust === djo.sclust && djn.dptr === djo.dptr)) throw new FatError(FR.EXIST);
  }
  yield* dirRegister(djn);
  const dir = yield* djn.entry();
  dir.set(buf.subarray(13), 13);
  dir[DIR_Attr] = buf[DIR_Attr]!;
  if (!(dir[DIR_Attr]! & AM_DIR)) dir[DIR_Attr]! |= 0x20; // AM_ARC
  djn.touch();
  if (dir[DIR_Attr]! & AM_DIR && djo.sclust !== djn.sclust) {
    const sect = vol.clst2sect(ldClust(vol, dir));
    if (sect === 0) throw new FatError(FR.INT_ERR);
    const win = yield* vol.disk.sector(sect);
    if (win[33] === 0x2e) {
      stClust(vol, win.subarray(32, 64), djn.sclust);
      vol.disk.mark(sect);
    }
  }
  yield* dirRemove(djo);
  yield* vol.sync();
}

/** f_chdir (ff.c:3947). */
export function* fChdir(vol: Volume, path: string): Io<void> {
  const dj = new Dir(vol);
  if (!(yield* followPath(dj, pathUnits(path)))) throw new FatError(FR.NO_PATH);
  if (dj.fn[NSFLAG]! & NS_NONAME) vol.fs.cdir = dj.sclust;
  else if (dj.attr & AM_DIR) vol.fs.cdir = ldClust(vol, yield* dj.entry());
  else throw new FatError(FR.NO_PATH);
}

/** f_getcwd (ff.c:4009): the current directory's path, from the names its parents give it. */
export function* fGetcwd(vol: Volume): Io<string> {
  const dj = new Dir(vol);
  const names: string[] = [];
  dj.sclust = vol.fs.cdir;
  let ccl: number;
  while ((ccl = dj.sclust) !== 0) {
    yield* dirSdi(dj, 32);
    dj.sclust = ldClust(vol, yield* dj.entry());
    yield* dirSdi(dj, 0);
    let found = false;
    while (yield* dirRead(dj)) {
      if (ccl === ldClust(vol, yield* dj.entry())) {
        found = true;
        break;
      }
      if (!(yield* dirNext(dj, false))) break;
    }
    if (!found) throw new FatError(FR.INT_ERR);
    names.unshift((yield* fileInfo(dj)).name);
  }
  return "/" + names.join("/");
}
