import { FatError, FR, ld32, st16, st32, type Io } from "./disk.ts";
import { AM_ARC, AM_DIR, AM_RDO, DIR_Attr, DIR_CrtTime, DIR_FileSize, DIR_LstAccDate, DIR_ModTime, Dir, dirRegister, followPath, ldClust, stClust } from "./dir.ts";
import { NS_NONAME, NSFLAG, pathUnits } from "./names.ts";
import type { Volume } from "./volume.ts";

/** f_open modes (ff.h FA_*). */
export const FA_READ = 0x01, FA_WRITE = 0x02, FA_CREATE_NEW = 0x04, FA_CREATE_ALWAYS = 0x08, FA_OPEN_ALWAYS = 0x10;
const FA_MODIFIED = 0x40;

/** An open file: FatFs's FIL object (ff.h), kept between calls by the guest's file object. */
export interface Fil {
  /** The mount it belongs to (0: closed). */
  id: number;
  sclust: number;
  objsize: number;
  fptr: number;
  /** The cluster of the position (of the byte before it, on a cluster boundary). */
  clust: number;
  flag: number;
  /** Where its directory entry is: sector and offset. */
  dirSect: number;
  dirOfs: number;
}

/** validate (ff.c:3338): a closed file, or one from before a remount, is FR_INVALID_OBJECT. */
function check(vol: Volume, fp: Fil): void {
  if (fp.id === 0 || fp.id !== vol.fs.id) throw new FatError(FR.INVALID_OBJECT);
}

/** f_open (ff.c:3419). */
export function* fOpen(vol: Volume, path: string, mode: number, now: number): Io<Fil> {
  const dj = new Dir(vol);
  const found = yield* followPath(dj, pathUnits(path));
  if (found && dj.fn[NSFLAG]! & NS_NONAME) throw new FatError(FR.INVALID_NAME);
  if (mode & (FA_CREATE_ALWAYS | FA_OPEN_ALWAYS | FA_CREATE_NEW)) {
    if (!found) {
      yield* dirRegister(dj);
      mode |= FA_CREATE_ALWAYS;
    } else {
      if (dj.attr & (AM_RDO | AM_DIR)) throw new FatError(FR.DENIED);
      if (mode & FA_CREATE_NEW) throw new FatError(FR.EXIST);
    }
    if (mode & FA_CREATE_ALWAYS) {
      const dir = yield* dj.entry();
      const cl = ldClust(vol, dir);
      st32(dir, DIR_CrtTime, now);
      dir[DIR_Attr] = AM_ARC;
      stClust(vol, dir, 0);
      st32(dir, DIR_FileSize, 0);
      dj.touch();
      if (cl !== 0) {
        yield* vol.removeChain(cl);
        vol.fs.lastClst = cl - 1;
      }
    }
  } else {
    if (!found) throw new FatError(FR.NO_FILE);
    if (dj.attr & AM_DIR) throw new FatError(FR.NO_FILE);
    if (mode & FA_WRITE && dj.attr & AM_RDO) throw new FatError(FR.DENIED);
  }
  if (mode & FA_CREATE_ALWAYS) mode |= FA_MODIFIED;
  const dir = yield* dj.entry();
  return {
    id: vol.fs.id,
    sclust: ldClust(vol, dir),
    objsize: ld32(dir, DIR_FileSize),
    fptr: 0,
    clust: 0,
    flag: mode,
    dirSect: dj.sect,
    dirOfs: dj.dptr % vol.ss,
  };
}

/** f_read (ff.c:3609). */
export function* fRead(vol: Volume, fp: Fil, btr: number): Io<Uint8Array> {
  check(vol, fp);
  if (!(fp.flag & FA_READ)) throw new FatError(FR.DENIED);
  const { fs, disk } = vol;
  const ss = vol.ss;
  btr = Math.max(0, Math.min(btr, fp.objsize - fp.fptr));
  const out = new Uint8Array(btr);
  let at = 0;
  while (btr) {
    const csect = Math.floor(fp.fptr / ss) & (fs.csize - 1);
    if (fp.fptr % ss === 0 && csect === 0) {
      const clst = fp.fptr === 0 ? fp.sclust : yield* vol.getFat(fp.clust);
      if (clst < 2) throw new FatError(FR.INT_ERR);
      fp.clust = clst;
    }
    let sect = vol.clst2sect(fp.clust);
    if (sect === 0) throw new FatError(FR.INT_ERR);
    sect += csect;
    let rcnt: number;
    const cc = Math.min(Math.floor(btr / ss), fs.csize - csect);
    if (fp.fptr % ss === 0 && cc > 0) {
      out.set(yield* disk.readRun(sect, cc), at);
      rcnt = cc * ss;
    } else {
      rcnt = Math.min(ss - (fp.fptr % ss), btr);
      const win = yield* disk.sector(sect);
      out.set(win.subarray(fp.fptr % ss, (fp.fptr % ss) + rcnt), at);
    }
    btr -= rcnt;
    at += rcnt;
    fp.fptr += rcnt;
  }
  return out;
}

/** f_write (ff.c:3709): the number of bytes written; fewer when the volume is full. */
export function* fWrite(vol: Volume, fp: Fil, data: Uint8Array): Io<number> {
  check(vol, fp);
  if (!(fp.flag & FA_WRITE)) throw new FatError(FR.DENIED);
  const { fs, disk } = vol;
  const ss = vol.ss;
  let btw = Math.min(data.length, 0xffffffff - fp.fptr);
  let at = 0;
  while (btw) {
    const csect = Math.floor(fp.fptr / ss) & (fs.csize - 1);
    if (fp.fptr % ss === 0 && csect === 0) {
      let clst: number;
      if (fp.fptr === 0) {
        clst = fp.sclust;
        if (clst === 0) clst = yield* vol.createChain(0);
      } else clst = yield* vol.createChain(fp.clust);
      if (clst === 0) break; // the volume is full
      fp.clust = clst;
      if (fp.sclust === 0) fp.sclust = clst;
    }
    let sect = vol.clst2sect(fp.clust);
    if (sect === 0) throw new FatError(FR.INT_ERR);
    sect += csect;
    let wcnt: number;
    const cc = Math.min(Math.floor(btw / ss), fs.csize - csect);
    if (fp.fptr % ss === 0 && cc > 0) {
      yield* disk.writeRun(sect, data.slice(at, at + cc * ss));
      wcnt = cc * ss;
    } else {
      wcnt = Math.min(ss - (fp.fptr % ss), btw);
      // On the growing edge the sector's old content is not read (ff.c f_write, FF_FS_TINY).
      const win = fp.fptr % ss === 0 && fp.fptr >= fp.objsize ? disk.fresh(sect) : yield* disk.sector(sect);
      win.set(data.subarray(at, at + wcnt), fp.fptr % ss);
      disk.mark(sect);
    }
    btw -= wcnt;
    at += wcnt;
    fp.fptr += wcnt;
    if (fp.fptr > fp.objsize) fp.objsize = fp.fptr;
  }
  fp.flag |= FA_MODIFIED;
  return at;
}

/** f_lseek (ff.c:4109), the normal seek: past the end of a file open for writing, the file grows. */
export function* fLseek(vol: Volume, fp: Fil, ofs: number): Io<void> {
  check(vol, fp);
  const { fs } = vol;
  if (ofs > fp.objsize && !(fp.flag & FA_WRITE)) ofs = fp.objsize;
  const ifptr = fp.fptr;
  fp.fptr = 0;
  if (ofs > 0) {
    const bcs = fs.csize * vol.ss;
    let clst: number;
    if (ifptr > 0 && Math.floor((ofs - 1) / bcs) >= Math.floor((ifptr - 1) / bcs)) {
      fp.fptr = Math.floor((ifptr - 1) / bcs) * bcs;
      ofs -= fp.fptr;
      clst = fp.clust;
    } else {
      clst = fp.sclust;
      if (clst === 0) {
        clst = yield* vol.createChain(0);
        fp.sclust = clst;
      }
      fp.clust = clst;
    }
    if (clst !== 0) {
      while (ofs > bcs) {
        ofs -= bcs;
        fp.fptr += bcs;
        if (fp.flag & FA_WRITE) {
          clst = yield* vol.createChain(clst);
          if (clst === 0) {
            ofs = 0;
            break;
          }
        } else clst = yield* vol.getFat(clst);
        if (clst <= 1 || clst >= fs.nFatent) throw new FatError(FR.INT_ERR);
        fp.clust = clst;
      }
      fp.fptr += ofs;
    }
  }
  if (fp.fptr > fp.objsize) {
    fp.objsize = fp.fptr;
    fp.flag |= FA_MODIFIED;
  }
}

/** f_sync (ff.c:3830): a changed file's size, first cluster and time into its directory entry. */
export function* fSync(vol: Volume, fp: Fil, now: number): Io<void> {
  check(vol, fp);
  if (!(fp.flag & FA_MODIFIED)) return;
  const win = yield* vol.disk.sector(fp.dirSect);
  const dir = win.subarray(fp.dirOfs, fp.dirOfs + 32);
  dir[DIR_Attr]! |= AM_ARC;
  stClust(vol, dir, fp.sclust);
  st32(dir, DIR_FileSize, fp.objsize);
  st32(dir, DIR_ModTime, now);
  st16(dir, DIR_LstAccDate, 0);
  vol.disk.mark(fp.dirSect);
  yield* vol.sync();
  fp.flag &= ~FA_MODIFIED;
}

/** f_close (ff.c:3911). */
export function* fClose(vol: Volume, fp: Fil, now: number): Io<void> {
  yield* fSync(vol, fp, now);
  fp.id = 0;
}
