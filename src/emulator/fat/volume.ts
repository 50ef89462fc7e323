import { Disk, FatError, FR, IOCTL, ld16, ld32, st16, st32, type Io } from "./disk.ts";

/** FAT sub-types (ff.h FS_FAT12..FS_FAT32) and their cluster limits (ff.c MAX_FAT12..). */
export const FS_FAT12 = 1;
export const FS_FAT16 = 2;
export const FS_FAT32 = 3;
export const MAX_FAT12 = 0xff5;
export const MAX_FAT16 = 0xfff5;
const MAX_FAT32 = 0x0ffffff5;
/** FF_MIN_SS and FF_MAX_SS of the ports (lib/oofatfs/ffconf.h; MICROPY_FATFS_MAX_SS 4096 on esp32, esp8266, rp2). */
export const MIN_SS = 512;
export const MAX_SS = 4096;

/**
 * The mounted volume: FatFs's FATFS object (ff.h) minus its sector window. It is kept between
 * calls by the guest's VfsFat object, as the firmware keeps it in its fs_user_mount_t.
 */
export interface FatFs {
  fsType: number;
  ssize: number;
  /** Sectors per cluster. */
  csize: number;
  nFats: number;
  /** Sectors per FAT. */
  fsize: number;
  nRootdir: number;
  /** Clusters + 2. */
  nFatent: number;
  volbase: number;
  fatbase: number;
  /** Root directory: first sector (FAT12/16) or cluster (FAT32). */
  dirbase: number;
  database: number;
  /** Free clusters and the last one allocated (0xFFFFFFFF: not known yet). */
  freeClst: number;
  lastClst: number;
  fsiFlag: number;
  /** The current directory's first cluster (0: root), FF_FS_RPATH 2. */
  cdir: number;
  /** The mount's id (ff.c Fsid): files opened before a remount are no longer valid (ff.c validate). */
  id: number;
}

// Boot sector fields (ff.c).
const BPB_BytsPerSec = 11, BPB_SecPerClus = 13, BPB_RsvdSecCnt = 14, BPB_NumFATs = 16, BPB_RootEntCnt = 17;
const BPB_TotSec16 = 19, BPB_FATSz16 = 22, BPB_TotSec32 = 32, BS_FilSysType = 54, BPB_FATSz32 = 36;
const BPB_FSVer32 = 42, BPB_RootClus32 = 44, BPB_FSInfo32 = 48, BS_FilSysType32 = 82, BS_55AA = 510;
const FSI_LeadSig = 0, FSI_StrucSig = 484, FSI_Free_Count = 488, FSI_Nxt_Free = 492;
const MBR_Table = 446, SZ_PTE = 16, PTE_System = 4, PTE_StLba = 8;

const text = (b: Uint8Array, at: number, s: string) => [...s].every((c, i) => b[at + i] === c.charCodeAt(0));

/** check_fs (ff.c): 0 FAT boot sector, 2 a boot sector but not FAT, 3 none. */
function* checkFs(disk: Disk, sect: number): Io<number> {
  const b = yield* disk.sector(sect);
  if (ld16(b, BS_55AA) !== 0xaa55) return 3;
  if (b[0] === 0xe9 || b[0] === 0xeb || b[0] === 0xe8) {
    if (text(b, BS_FilSysType, "FAT") || text(b, BS_FilSysType32, "FAT32")) return 0;
  }
  return 2;
}

/** The sector size the device reports (disk_ioctl GET_SECTOR_SIZE: None means 512), checked as find_volume and f_mkfs do. */
export function* sectorSize(disk: Disk): Io<number> {
  const reply = yield* disk.ioctl(IOCTL.BLOCK_SIZE);
  const ss = reply === null ? 512 : Number(reply);
  if (ss > MAX_SS || ss < MIN_SS || (ss & (ss - 1)) !== 0) throw new FatError(FR.DISK_ERR);
  disk.ssize = ss;
  return ss;
}

/** find_volume (ff.c:3110) for a volume not mounted yet: reads the boot sector (SFD, else the MBR's first FAT partition). */
export function* mountVolume(disk: Disk, id: number): Io<FatFs> {
  yield* disk.ioctl(IOCTL.INIT);
  const ss = yield* sectorSize(disk);
  let bsect = 0;
  let fmt = yield* checkFs(disk, 0);
  if (fmt === 2) {
    const mbr = yield* disk.sector(0);
    const starts = [0, 1, 2, 3].map((i) => (mbr[MBR_Table + i * SZ_PTE + PTE_System] ? ld32(mbr, MBR_Table + i * SZ_PTE + PTE_StLba) : 0));
    for (const start of starts) {
      bsect = start;
      fmt = start ? yield* checkFs(disk, start) : 3;
      if (fmt < 2) break;
    }
  }
  if (fmt >= 2) throw new FatError(FR.NO_FILESYSTEM);
  const b = yield* disk.sector(bsect);
  const invalid = () => new FatError(FR.NO_FILESYSTEM);
  if (ld16(b, BPB_BytsPerSec) !== ss) throw invalid();
  const fsize = ld16(b, BPB_FATSz16) || ld32(b, BPB_FATSz32);
  const nFats = b[BPB_NumFATs]!;
  if (nFats !== 1 && nFats !== 2) throw invalid();
  const csize = b[BPB_SecPerClus]!;
  if (csize === 0 || (csize & (csize - 1)) !== 0) throw invalid();
  const nRootdir = ld16(b, BPB_RootEntCnt);
  if (nRootdir % (ss / 32)) throw invalid();
  const tsect = ld16(b, BPB_TotSec16) || ld32(b, BPB_TotSec32);
  const nrsv = ld16(b, BPB_RsvdSecCnt);
  if (nrsv === 0) throw invalid();
  const sysect = nrsv + fsize * nFats + nRootdir / (ss / 32);
  if (tsect < sysect) throw invalid();
  const nclst = Math.floor((tsect - sysect) / csize);
  if (nclst === 0) throw invalid();
  const fsType = nclst <= MAX_FAT12 ? FS_FAT12 : nclst <= MAX_FAT16 ? FS_FAT16 : nclst <= MAX_FAT32 ? FS_FAT32 : 0;
  if (fsType === 0) throw invalid();
  const nFatent = nclst + 2;
  const fatbase = bsect + nrsv;
  let dirbase: number;
  let needed: number;
  if (fsType === FS_FAT32) {
    if (ld16(b, BPB_FSVer32) !== 0 || nRootdir !== 0) throw invalid();
    dirbase = ld32(b, BPB_RootClus32);
    needed = nFatent * 4;
  } else {
    if (nRootdir === 0) throw invalid();
    dirbase = fatbase + fsize * nFats;
    needed = fsType === FS_FAT16 ? nFatent * 2 : Math.floor((nFatent * 3) / 2) + (nFatent & 1);
  }
  if (fsize < Math.ceil(needed / ss)) throw invalid();
  const fs: FatFs = {
    fsType, ssize: ss, csize, nFats, fsize, nRootdir, nFatent, volbase: bsect, fatbase, dirbase,
    database: bsect + sysect, freeClst: 0xffffffff, lastClst: 0xffffffff, fsiFlag: 0x80, cdir: 0, id,
  };
  if (fsType === FS_FAT32 && ld16(b, BPB_FSInfo32) === 1) {
    const fsi = yield* disk.sector(bsect + 1);
    fs.fsiFlag = 0;
    if (ld16(fsi, BS_55AA) === 0xaa55 && ld32(fsi, FSI_LeadSig) === 0x41615252 && ld32(fsi, FSI_StrucSig) === 0x61417272) {
      fs.freeClst = ld32(fsi, FSI_Free_Count);
      fs.lastClst = ld32(fsi, FSI_Nxt_Free);
    }
  }
  return fs;
}

/** A volume's driver state for one call: the FATFS object and the device's sectors. */
export class Volume {
  constructor(
    readonly fs: FatFs,
    readonly disk: Disk,
  ) {
    disk.mirror = (sect) => (fs.nFats === 2 && sect >= fs.fatbase && sect < fs.fatbase + fs.fsize ? sect + fs.fsize : null);
  }

  get ss(): number {
    return this.fs.ssize;
  }

  /** clst2sect (ff.c): 0 for a cluster outside the volume. */
  clst2sect(clst: number): number {
    const c = clst - 2;
    if (c < 0 || c >= this.fs.nFatent - 2) return 0;
    return this.fs.database + this.fs.csize * c;
  }

  /** get_fat (ff.c:1119): the entry of a cluster; 1 for a cluster outside the volume. */
  *getFat(clst: number): Io<number> {
    const { fs } = this;
    if (clst < 2 || clst >= fs.nFatent) return 1;
    const ss = this.ss;
    if (fs.fsType === FS_FAT12) {
      const bc = clst + Math.floor(clst / 2);
      const lo = (yield* this.disk.sector(fs.fatbase + Math.floor(bc / ss)))[bc % ss]!;
      const hi = (yield* this.disk.sector(fs.fatbase + Math.floor((bc + 1) / ss)))[(bc + 1) % ss]!;
      const wc = lo | (hi << 8);
      return clst & 1 ? wc >> 4 : wc & 0xfff;
    }
    if (fs.fsType === FS_FAT16) {
      const b = yield* this.disk.sector(fs.fatbase + Math.floor(clst / (ss / 2)));
      return ld16(b, (clst * 2) % ss);
    }
    const b = yield* this.disk.sector(fs.fatbase + Math.floor(clst / (ss / 4)));
    return ld32(b, (clst * 4) % ss) & 0x0fffffff;
  }

  /** put_fat (ff.c:1196). */
  *putFat(clst: number, val: number): Io<void> {
    const { fs, disk } = this;
    if (clst < 2 || clst >= fs.nFatent) throw new FatError(FR.INT_ERR);
    const ss = this.ss;
    if (fs.fsType === FS_FAT12) {
      let bc = clst + Math.floor(clst / 2);
      let sect = fs.fatbase + Math.floor(bc / ss);
      let b = yield* disk.sector(sect);
      b[bc % ss] = clst & 1 ? (b[bc % ss]! & 0x0f) | ((val << 4) & 0xf0) : val & 0xff;
      disk.mark(sect);
      bc++;
      sect = fs.fatbase + Math.floor(bc / ss);
      b = yield* disk.sector(sect);
      b[bc % ss] = clst & 1 ? (val >> 4) & 0xff : (b[bc % ss]! & 0xf0) | ((val >> 8) & 0x0f);
      disk.mark(sect);
    } else if (fs.fsType === FS_FAT16) {
      const sect = fs.fatbase + Math.floor(clst / (ss / 2));
      st16(yield* disk.sector(sect), (clst * 2) % ss, val & 0xffff);
      disk.mark(sect);
    } else {
      const sect = fs.fatbase + Math.floor(clst / (ss / 4));
      const b = yield* disk.sector(sect);
      st32(b, (clst * 4) % ss, ((ld32(b, (clst * 4) % ss) & 0xf0000000) | (val & 0x0fffffff)) >>> 0);
      disk.mark(sect);
    }
  }

  private *entry(clst: number): Io<number> {
    const cs = yield* this.getFat(clst);
    if (cs === 1) throw new FatError(FR.INT_ERR);
    return cs;
  }

  /** create_chain (ff.c:1481): a new cluster after `clst` (0: a new chain); 0 when the volume is full. */
  *createChain(clst: number): Io<number> {
    const { fs } = this;
    let scl: number;
    if (clst === 0) {
      scl = fs.lastClst;
      if (scl === 0 || scl >= fs.nFatent) scl = 1;
    } else {
      const cs = yield* this.getFat(clst);
      if (cs < 2) throw new FatError(FR.INT_ERR);
      if (cs < fs.nFatent) return cs; // already followed by a cluster
      scl = clst;
    }
    if (fs.freeClst === 0) return 0;
    let ncl = 0;
    if (scl === clst) {
      ncl = scl + 1 >= fs.nFatent ? 2 : scl + 1;
      if ((yield* this.entry(ncl)) !== 0) {
        if (fs.lastClst >= 2 && fs.lastClst < fs.nFatent) scl = fs.lastClst;
        ncl = 0;
      }
    }
    if (ncl === 0) {
      ncl = scl;
      for (;;) {
        ncl++;
        if (ncl >= fs.nFatent) {
          ncl = 2;
          if (ncl > scl) return 0;
        }
        if ((yield* this.entry(ncl)) === 0) break;
        if (ncl === scl) return 0;
      }
    }
    yield* this.putFat(ncl, 0xffffffff);
    if (clst !== 0) yield* this.putFat(clst, ncl);
    fs.lastClst = ncl;
    if (fs.freeClst <= fs.nFatent - 2) fs.freeClst--;
    fs.fsiFlag |= 1;
    return ncl;
  }

  /** remove_chain (ff.c:1386): frees `clst` and what follows it; `pclst` (if not 0) becomes the chain's end. */
  *removeChain(clst: number, pclst = 0): Io<void> {
    const { fs } = this;
    if (clst < 2 || clst >= fs.nFatent) throw new FatError(FR.INT_ERR);
    if (pclst !== 0) yield* this.putFat(pclst, 0xffffffff);
    do {
      const nxt = yield* this.entry(clst);
      if (nxt === 0) break;
      yield* this.putFat(clst, 0);
      if (fs.freeClst < fs.nFatent - 2) {
        fs.freeClst++;
        fs.fsiFlag |= 1;
      }
      clst = nxt;
    } while (clst < fs.nFatent);
  }

  /** The cluster after `clst` in its chain, for reading (get_fat's checks in f_read, dir_next). */
  *nextCluster(clst: number): Io<number> {
    const next = yield* this.getFat(clst);
    if (next <= 1) throw new FatError(FR.INT_ERR);
    return next;
  }

  /** f_getfree (ff.c:4491). */
  *getFree(): Io<number> {
    const { fs } = this;
    if (fs.freeClst <= fs.nFatent - 2) return fs.freeClst;
    let nfree = 0;
    for (let clst = 2; clst < fs.nFatent; clst++) {
      const stat = yield* this.entry(clst);
      if (stat === 0) nfree++;
    }
    fs.freeClst = nfree;
    fs.fsiFlag |= 1;
    return nfree;
  }

  /** sync_fs (ff.c:1065): the changed sectors, FAT32's FSInfo, then the device's sync. */
  *sync(): Io<void> {
    const { fs, disk } = this;
    yield* disk.flush();
    if (fs.fsType === FS_FAT32 && fs.fsiFlag === 1) {
      const fsi = new Uint8Array(this.ss);
      st16(fsi, BS_55AA, 0xaa55);
      st32(fsi, FSI_LeadSig, 0x41615252);
      st32(fsi, FSI_StrucSig, 0x61417272);
      st32(fsi, FSI_Free_Count, fs.freeClst);
      st32(fsi, FSI_Nxt_Free, fs.lastClst);
      yield* disk.writeRun(fs.volbase + 1, fsi);
      fs.fsiFlag = 0;
    }
    yield* disk.ioctl(IOCTL.SYNC);
  }
}
