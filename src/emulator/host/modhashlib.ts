import { createHash, type Hash } from "node:crypto";
import { GuestException } from "../host-api.ts";
import { bufferOf } from "./arguments.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/**
 * hashlib (extmod/modhashlib.c v1.23.0): the constructors the board's port builds (its profile's
 * `port.hashlib`: SHA1 and MD5 are per port, mpconfigport.h), each object a hash in progress here.
 * digest() makes it final (:105-113, 225-233, 319-327): it is dropped, and its number then raises
 * `ValueError: hash is final` at update() and digest() alike (hashlib_ensure_not_final, :67-71),
 * as numbers are never given twice. A soft reset drops those never finished (the heap they live
 * in on the board is cleared too).
 */
export function modhashlib(board: BoardContext) {
  const hashes = new Map<number, Hash>();
  let next = 1;
  board.onDeinit(() => hashes.clear());
  const inProgress = (id: number): Hash => {
    const hash = hashes.get(id);
    if (!hash) throw new GuestException("ValueError", ["hash is final"]);
    return hash;
  };
  return {
    hashAlgorithms: (): string[] => [...board.profile.port.hashlib],
    hashNew: (name: string): number => {
      if (!board.profile.port.hashlib.includes(name as "sha256")) throw new GuestException("ValueError", []);
      hashes.set(next, createHash(name));
      return next++;
    },
    hashUpdate: (id: number, data: Uint8Array | string): null => (inProgress(id).update(bufferOf(data)), null),
    hashDigest: (id: number): Uint8Array => {
      const digest = inProgress(id).digest();
      hashes.delete(id);
      return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
    },
  } satisfies HostCalls<"modhashlib">;
}
