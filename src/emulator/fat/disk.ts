import type { HostValue } from "../host-api.ts";

/**
 * The block device of a FAT volume, as the FAT driver sees it (extmod/vfs_fat_diskio.c and
 * extmod/vfs_blockdev.c). The device is a Python object in the script: the driver does not call
 * it, it asks the guest to (a generator yields each Step; the guest answers with the result).
 */
export type Step =
  /** bdev.readblocks(block, bytearray(bytes)): the guest answers with the filled buffer. */
  | readonly ["read", block: number, bytes: number]
  /** bdev.writeblocks(block, bytearray(data)). */
  | readonly ["write", block: number, data: Uint8Array]
  /** bdev.ioctl(op, arg): the guest answers with its result. */
  | readonly ["ioctl", op: number, arg: number];

/** A driver operation: yields block requests, returns its result. */
export type Io<T> = Generator<Step, T, HostValue>;

/** MP_BLOCKDEV_IOCTL_* (extmod/vfs.h). */
export const IOCTL = { INIT: 1, DEINIT: 2, SYNC: 3, BLOCK_COUNT: 4, BLOCK_SIZE: 5 } as const;

/** FatFs reports a failure with an FRESULT (lib/oofatfs/ff.h); here it is thrown. */
export class FatError extends Error {
  constructor(readonly fresult: FResult) {
    super(`FRESULT ${fresult}`);
  }
}

/** FRESULT values (lib/oofatfs/ff.h). */
export const FR = {
  DISK_ERR: 1,
  INT_ERR: 2,
  NOT_READY: 3,
  NO_FILE: 4,
  NO_PATH: 5,
  INVALID_NAME: 6,
  DENIED: 7,
  EXIST: 8,
  INVALID_OBJECT: 9,
  WRITE_PROTECTED: 10,
  NO_FILESYSTEM: 13,
  MKFS_ABORTED: 14,
  NOT_ENOUGH_CORE: 17,
} as const;
export type FResult = (typeof FR)[keyof typeof FR];

/**
 * The sectors one operation touches. FatFs keeps one sector window (fs->win, FF_FS_TINY) and
 * writes it back when it moves on and at the end of each call (sync_window, sync_fs); here the
 * sectors an operation reads stay cached until it ends and changed ones are written back in order
 * then, so the device holds the same bytes once the call returns. With two FATs, a FAT sector is
 * written to both (ff.c sync_window).
 */
export class Disk {
  private readonly cache = new Map<number, Uint8Array>();
  private readonly dirty = new Set<number>();
  /** The second FAT's copy of a sector of the first, when the volume has two. */
  mirror: (sector: number) => number | null = () => null;

  constructor(public ssize: number) {}

  /** One sector, to read or to change in place (then mark() it). */
  *sector(sect: number): Io<Uint8Array> {
    let data = this.cache.get(sect);
    if (!data) {
      data = yield* this.readDevice(sect, 1);
      this.cache.set(sect, data);
    }
    return data;
  }

  mark(sect: number): void {
    this.dirty.add(sect);
  }

  /** A sector whose old content does not matter (a new directory cluster, the growing end of a file). */
  fresh(sect: number): Uint8Array {
    const data = new Uint8Array(this.ssize);
    this.cache.set(sect, data);
    this.dirty.add(sect);
    return data;
  }

  /** Whole sectors straight from the device (f_read's multi-sector path), with changed cached sectors in place. */
  *readRun(sect: number, count: number): Io<Uint8Array> {
    const data = yield* this.readDevice(sect, count);
    for (let i = 0; i < count; i++) {
      const cached = this.cache.get(sect + i);
      if (cached && this.dirty.has(sect + i)) data.set(cached, i * this.ssize);
    }
    return data;
  }

  /** Whole sectors straight to the device (f_write's and f_mkfs's multi-sector path). */
  *writeRun(sect: number, data: Uint8Array): Io<void> {
    yield ["write", sect, data];
    for (let i = 0; i * this.ssize < data.length; i++) {
      if (this.cache.has(sect + i)) {
        this.cache.set(sect + i, data.slice(i * this.ssize, (i + 1) * this.ssize));
        this.dirty.delete(sect + i);
      }
    }
  }

  /** Writes back what changed (sync_window). */
  *flush(): Io<void> {
    for (const sect of [...this.dirty].sort((a, b) => a - b)) {
      const data = this.cache.get(sect)!;
      yield ["write", sect, data];
      const copy = this.mirror(sect);
      if (copy !== null) yield ["write", copy, data];
    }
    this.dirty.clear();
  }

  *ioctl(op: number, arg = 0): Io<HostValue> {
    return yield ["ioctl", op, arg];
  }

  private *readDevice(sect: number, count: number): Io<Uint8Array> {
    const bytes = count * this.ssize;
    const data = yield ["read", sect, bytes];
    if (!(data instanceof Uint8Array) || data.length !== bytes) throw new FatError(FR.DISK_ERR);
    return data.slice();
  }
}

export const ld16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
export const ld32 = (b: Uint8Array, at: number): number => (ld16(b, at) | (ld16(b, at + 2) << 16)) >>> 0;
export function st16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}
export function st32(b: Uint8Array, at: number, v: number): void {
  st16(b, at, v & 0xffff);
  st16(b, at + 2, (v >>> 16) & 0xffff);
}
