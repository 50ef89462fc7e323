import path from "node:path";
import type { FlashProfile } from "../boards/profile.ts";
import { Flash, type FlashStore, type StoreEntry } from "./flash.ts";

/**
 * A board's flash in memory: a script run's (no --flash), freshly flashed as the firmware's first
 * boot leaves it (its inisetup.py files), and gone when the run ends. Nothing reaches the PC's disk.
 */
export class MemoryFlash extends Flash {
  constructor(profile: FlashProfile) {
    super(new MemoryStore(), profile, true);
  }
}

/** Files and directories by their store path ("/" the root). */
class MemoryStore implements FlashStore {
  readonly root = "/";
  /** A file's bytes are the first `size` of `data` (which grows by doubling, so appends stay cheap). */
  private readonly files = new Map<string, { data: Uint8Array; size: number; mtimeMs: number }>();
  private readonly dirs = new Map<string, number>([["/", Date.now()]]);

  entry(at: string): StoreEntry | null {
    const file = this.files.get(at);
    if (file) return { kind: "file", size: file.size, mtimeMs: file.mtimeMs };
    const dir = this.dirs.get(at);
    return dir === undefined ? null : { kind: "dir", size: 0, mtimeMs: dir };
  }

  names(dir: string): string[] {
    return [...this.files.keys(), ...this.dirs.keys()].filter((at) => at !== "/" && path.dirname(at) === dir).map((at) => path.basename(at));
  }

  truncate(at: string): void {
    this.files.set(at, { data: new Uint8Array(), size: 0, mtimeMs: Date.now() });
  }

  read(at: string, offset: number, size: number): Uint8Array {
    const file = this.files.get(at)!;
    return file.data.slice(offset, Math.min(file.size, offset + size));
  }

  write(at: string, offset: number, data: Uint8Array): number {
    const file = this.files.get(at)!;
    const end = offset + data.length;
    if (end > file.data.length) {
      const grown = new Uint8Array(Math.max(end, file.data.length * 2));
      grown.set(file.data.subarray(0, file.size));
      file.data = grown;
    }
    // A gap past the end reads as zeros, as LittleFS fills it (the bytes beyond `size` are zero).
    file.data.set(data, offset);
    file.size = Math.max(file.size, end);
    file.mtimeMs = Date.now();
    return data.length;
  }

  mkdir(at: string): void {
    this.dirs.set(at, Date.now());
  }

  rmdir(at: string): void {
    this.dirs.delete(at);
  }

  unlink(at: string): void {
    this.files.delete(at);
  }

  /** Moves an entry and, for a directory, everything under it; what was at `to` is replaced. */
  rename(from: string, to: string): void {
    this.files.delete(to);
    this.dirs.delete(to);
    for (const table of [this.files, this.dirs] as Map<string, unknown>[]) {
      for (const [at, value] of [...table]) {
        if (at !== from && !at.startsWith(from + "/")) continue;
        table.delete(at);
        table.set(to + at.slice(from.length), value);
      }
    }
  }
}
