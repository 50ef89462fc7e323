import { Disk, FatError, FR, IOCTL, st16, st32, type Io } from "./disk.ts";
import { MAX_FAT12, MAX_FAT16, MAX_SS, sectorSize } from "./volume.ts";

/** f_mkfs options (ff.h). */
export const FM_FAT = 0x01;
export const FM_FAT32 = 0x02;
export const FM_SFD = 0x08;

/**
 * f_mkfs (lib/oofatfs/ff.c:5383) for FAT12/16/32 with an automatic cluster size, as
 * extmod/vfs_fat.c:109 calls it (FM_FAT | FM_SFD, then FM_FAT32 if that was aborted): one FAT,
 * 512 root entries, no partition table. A 50 x 512-byte device becomes FAT12 with 16 clusters of
 * one sector. `volumeId` is GET_FATTIME() (the volume serial number).
 */
export function* mkfs(disk: Disk, opt: number, volumeId: number): Io<void> {
  const nFats = 1;
  const nRootdir = 512;
  const cst = [1, 4, 16, 64, 256, 512];
  const cst32 = [1, 2, 4, 8, 16, 32];
  const init = yield* disk.ioctl(IOCTL.INIT);
  if (typeof init === "number" && init !== 0) throw new FatError(FR.NOT_READY);
  const ss = yield* sectorSize(disk);
  // The working buffer is FF_MAX_SS bytes (vfs_fat.c:108): areas are written that many sectors at a time.
  const szBuf = MAX_SS / ss;
  const count = yield* disk.ioctl(IOCTL.BLOCK_COUNT);
  const bVol = opt & FM_SFD ? 0 : 63;
  let szVol = Number(count);
  if (!Number.isInteger(szVol) || szVol < bVol) throw new FatError(FR.MKFS_ABORTED);
  szVol -= bVol;
  if (szVol < 22) throw new FatError(FR.MKFS_ABORTED);

  let fmt = 2; // FS_FAT16
  if (opt & FM_FAT32 && !(opt & FM_FAT)) fmt = 3;
  else if (!(opt & FM_FAT)) throw new FatError(FR.MKFS_ABORTED);
  let au = 0;
  let pau: number, nClst: number, szFat: number, szRsv: number, szDir: number;
  for (;;) {
    pau = au;
    if (fmt === 3) {
      if (pau === 0) {
        const n = Math.floor(szVol / 0x20000);
        pau = 1;
        for (let i = 0; i < cst32.length && cst32[i]! <= n; i++) pau <<= 1;
      }
      nClst = Math.floor(szVol / pau);
      szFat = Math.ceil((nClst * 4 + 8) / ss);
      szRsv = 32;
      szDir = 0;
      if (nClst <= MAX_FAT16 || nClst > 0x0ffffff5) throw new FatError(FR.MKFS_ABORTED);
    } else {
      if (pau === 0) {
        const n = Math.floor(szVol / 0x1000);
        pau = 1;
        for (let i = 0; i < cst.length && cst[i]! <= n; i++) pau <<= 1;
      }
      nClst = Math.floor(szVol / pau);
      let bytes: number;
      if (nClst > MAX_FAT12) bytes = nClst * 2 + 4;
      else {
        fmt = 1;
        bytes = Math.floor((nClst * 3 + 1) / 2) + 3;
      }
      szFat = Math.ceil(bytes / ss);
      szRsv = 1;
      szDir = (nRootdir * 32) / ss;
    }
    const bData = bVol + szRsv + szFat * nFats + szDir; // the erase block is one sector (vfs_fat_diskio.c GET_BLOCK_SIZE)
    if (szVol < bData + pau * 16 - bVol) throw new FatError(FR.MKFS_ABORTED);
    nClst = Math.floor((szVol - szRsv - szFat * nFats - szDir) / pau);
    if (fmt === 3 && nClst <= MAX_FAT16) {
      if (au === 0 && (au = pau / 2) >= 1) continue;
      throw new FatError(FR.MKFS_ABORTED);
    }
    if (fmt === 2) {
      if (nClst > MAX_FAT16) {
        if (au === 0 && pau * 2 <= 64) {
          au = pau * 2;
          continue;
        }
        if (opt & FM_FAT32) {
          fmt = 3;
          continue;
        }
        if (au === 0 && (au = pau * 2) <= 128) continue;
        throw new FatError(FR.MKFS_ABORTED);
      }
      if (nClst <= MAX_FAT12) {
        if (au === 0 && (au = pau * 2) <= 128) continue;
        throw new FatError(FR.MKFS_ABORTED);
      }
    }
    if (fmt === 1 && nClst > MAX_FAT12) throw new FatError(FR.MKFS_ABORTED);
    break;
  }

  // The boot sector (VBR).
  const vbr = new Uint8Array(ss);
  vbr.set([0xeb, 0xfe, 0x90, ...new TextEncoder().encode("MSDOS5.0")], 0);
  st16(vbr, 11, ss);
  vbr[13] = pau;
  st16(vbr, 14, szRsv);
  vbr[16] = nFats;
  st16(vbr, 17, fmt === 3 ? 0 : nRootdir);
  if (szVol < 0x10000) st16(vbr, 19, szVol);
  else st32(vbr, 32, szVol);
  vbr[21] = 0xf8;
  st16(vbr, 24, 63);
  st16(vbr, 26, 255);
  st32(vbr, 28, bVol);
  const label = (at: number, type: string) => vbr.set(new TextEncoder().encode("NO NAME    " + type), at);
  if (fmt === 3) {
    st32(vbr, 67, volumeId);
    st32(vbr, 36, szFat);
    st32(vbr, 44, 2);
    st16(vbr, 48, 1);
    st16(vbr, 50, 6);
    vbr[64] = 0x80;
    vbr[66] = 0x29;
    label(71, "FAT32   ");
  } else {
    st32(vbr, 39, volumeId);
    st16(vbr, 22, szFat);
    vbr[36] = 0x80;
    vbr[38] = 0x29;
    label(43, "FAT     ");
  }
  st16(vbr, 510, 0xaa55);
  yield* disk.writeRun(bVol, vbr);
  if (fmt === 3) {
    yield* disk.writeRun(bVol + 6, vbr);
    const fsi = new Uint8Array(ss);
    st32(fsi, 0, 0x41615252);
    st32(fsi, 484, 0x61417272);
    st32(fsi, 488, nClst - 1);
    st32(fsi, 492, 2);
    st16(fsi, 510, 0xaa55);
    yield* disk.writeRun(bVol + 7, fsi);
    yield* disk.writeRun(bVol + 1, fsi);
  }

  // The FAT (entries 0 and 1, and the root directory's cluster on FAT32), then the root directory, zeroed.
  let sect = bVol + szRsv;
  const first = new Uint8Array(ss);
  if (fmt === 3) {
    st32(first, 0, 0xfffffff8);
    st32(first, 4, 0xffffffff);
    st32(first, 8, 0x0fffffff);
  } else st32(first, 0, fmt === 1 ? 0xfffff8 : 0xfffffff8);
  const fill = function* (nsect: number, head: Uint8Array | null): Io<void> {
    while (nsect > 0) {
      const n = Math.min(nsect, szBuf);
      const buf = new Uint8Array(n * ss);
      if (head) buf.set(head);
      head = null;
      yield* disk.writeRun(sect, buf);
      sect += n;
      nsect -= n;
    }
  };
  for (let i = 0; i < nFats; i++) yield* fill(szFat, first);
  yield* fill(fmt === 3 ? pau : szDir, null);
  yield* disk.ioctl(IOCTL.SYNC);
}
