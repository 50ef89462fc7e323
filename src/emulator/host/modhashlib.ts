import { createHash, type Hash } from "node:crypto";
import { GuestException } from "../host-api.ts";
import { bufferOf } from "./arguments.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/**
 * hashlib (extmod/modhashlib.c v1.23.0): the constructors the board's port builds (its profile's
 * `port.hashlib`: SHA1 and MD5 are per port, mpconfigport.h), each object a hash in progress here,
 * under the guest object's address (its id(): the script's object holds no handle of the host's,
 * as the C object has none). digest() makes it final (:105-113, 225-233, 319-327): it is dropped,
 * and the object then raises `ValueError: hash is final` at update() and digest() alike
 * (hashlib_ensure_not_final, :67-71) until another hash is made at its address. A soft reset drops
 * those never finished (the heap they live in on the board is cleared too).
 */
export function modhashlib(board: BoardContext) {
  const hashes = new Map<number, Hash>();
  board.onDeinit(() => hashes.clear());
  const inProgress = (address: number): Hash => {
    const hash = hashes.get(address);
    if (!hash) throw new GuestException("ValueError", ["hash is final"]);
    return hash;
  };
  return {
    hashAlgorithms: (): string[] => [...board.profile.port.hashlib],
    hashNew: (address: number, name: string): null => {
      if (!board.profile.port.hashlib.includes(name as "sha256")) throw new GuestException("ValueError", []);
      hashes.set(address, createHash(name));
      return null;
    },
    hashUpdate: (address: number, data: Uint8Array | string): null => (inProgress(address).update(bufferOf(data)), null),
    hashDigest: (address: number): Uint8Array => {
      const digest = inProgress(address).digest();
      hashes.delete(address);
      return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
    },
  } satisfies HostCalls<"modhashlib">;
}
