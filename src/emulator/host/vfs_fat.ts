/**
 * os.VfsFat / vfs.VfsFat: the host calls of extmod/vfs_fat.c (v1.23.0), whose work is in ../fat.
 * The block device is the script's Python object, so the guest (micropython/guest/_vfs_fat.py)
 * pumps each operation: fatStart begins it, and every reply is either a block request for the
 * guest to carry out and answer with fatResume, or ["done", result, errno]. The driver state of
 * each VfsFat object and each open file (FatFs's FATFS and FIL objects) is kept here, under the
 * id the guest's object holds.
 */
import type { Io } from "../fat/disk.ts";
import type { DirPos } from "../fat/ff.ts";
import type { Fil } from "../fat/file.ts";
import { errnoOf, vfsFat, type Result, type VfsState } from "../fat/vfs_fat.ts";
import { GuestException, type HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { MS_1970_TO_2000, structTime2000 } from "./timeutils.ts";

/** A call the guest leaves unfinished (its block device raised) is dropped after this many newer ones. */
const MAX_PENDING = 8;
/** Volumes and open files kept: the oldest go beyond this (guest objects a soft reset dropped). */
const MAX_KEPT = 256;

export function vfs_fat(board: BoardContext) {
  const volumes = new Map<number, VfsState>();
  const files = new Map<number, Fil>();
  /** The directories ilistdir() iterators read, with entries left (FatFs's DIR objects). */
  const listings = new Map<number, DirPos>();
  let nextId = 1;
  const keep = <T>(map: Map<number, T>, value: T): number => {
    if (map.size >= MAX_KEPT) map.delete(map.keys().next().value!);
    map.set(nextId, value);
    return nextId++;
  };

  /** GET_FATTIME (ports' fatfs_port.c): the board's RTC as a FAT date and time. */
  const fattime = (): number => {
    const [y, mo, d, h, mi, s] = structTime2000(Math.floor((board.rtcNowMs() - MS_1970_TO_2000) / 1000));
    return (((y - 1980) << 25) | (mo << 21) | (d << 16) | (h << 11) | (mi << 5) | (s >> 1)) >>> 0;
  };
  const operation = vfsFat(fattime, board.profile.port.epochYear);

  /** The ids the guest's objects keep: a new VfsFat's, an opened file's, an ilistdir() iterator's (null: nothing left to read). */
  function* withIds(name: string, state: VfsState, op: Io<Result>, handle: number | null): Io<Result> {
    const result = yield* op;
    if (name === "new") return { value: keep(volumes, state) };
    if (name === "open") return { value: [result.value, keep(files, result.opened!)] };
    if (name === "ilistdir") return { value: [...(result.value as HostValue[]), result.listing ? keep(listings, result.listing) : null] };
    if (name === "readdir" && !(result.value as HostValue[])[1]) listings.delete(handle!);
    return result;
  }

  /** An operation waiting for the guest's block device. */
  const pending = new Map<number, Io<Result>>();
  let nextToken = 1;

  /** Runs an operation until it asks for a block or ends; the driver's errors become the errno the firmware raises. */
  function advance(token: number, gen: Io<Result>, input: HostValue): HostValue {
    let errno: number | null = null;
    let result: Result = { value: null };
    try {
      const next = gen.next(input);
      if (!next.done) {
        pending.set(token, gen);
        return [...next.value, token] as HostValue;
      }
      result = next.value;
    } catch (e) {
      errno = errnoOf(e);
      if (errno === null) throw e;
    }
    pending.delete(token);
    return ["done", result.value, errno];
  }

  return {
    /** An operation of the VfsFat `volume` (null: a new one; `writable` first among the args) or of its open `file`. */
    fatStart: (name: string, volume: number | null, file: number | null, ...args: HostValue[]): HostValue => {
      const state = volume === null ? { fs: null, noFs: false, writable: Boolean(args[0]) } : volumes.get(volume);
      const fil = file === null ? null : ((name === "readdir" ? listings : files).get(file) ?? null);
      if (!state) throw new GuestException("OSError", [5]); // EIO: a VfsFat from before MAX_KEPT newer ones
      if (name === "close" && file !== null) files.delete(file);
      // An operation the guest left unfinished (its block device raised) is dropped.
      for (const old of [...pending.keys()].slice(0, Math.max(0, pending.size - MAX_PENDING + 1))) pending.delete(old);
      const token = nextToken++;
      return advance(token, withIds(name, state, operation(name, state, fil, args), file), null);
    },
    fatResume: (token: number, value: HostValue): HostValue => {
      const gen = pending.get(token);
      if (!gen) throw new GuestException("OSError", [5]); // EIO: an operation that was dropped
      return advance(token, gen, value);
    },
  } satisfies HostCalls<"vfs_fat">;
}
