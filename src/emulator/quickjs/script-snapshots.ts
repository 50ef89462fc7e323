/**
 * Templates with a script compiled in: a fleet runs one script on many boards, and each board
 * compiled it, with the board modules it imports. The second board of a kind to run a script (same
 * text, same config keys) has a template made with the script compiled into it (snapshot.ts,
 * compileInto); it and the boards after it start from that and only run the script. A script run
 * once costs nothing more. Bounded: the last SCRIPTS scripts seen are remembered, with their
 * templates (≈ 0.4 MiB each).
 */
import type { HostValue } from "../host-api.ts";
import { snapshotFor, snapshotKey, withScript, type Snapshot, type TemplateScript } from "./snapshot.ts";

const SCRIPTS = 8;

interface Seen {
  runs: number;
  /** Undefined inside: the script did not compile in the template (the board reports why). */
  snapshot?: Promise<Snapshot | undefined>;
}
/** In the order last seen, oldest first. */
const seen = new Map<string, Seen>();

/** The template for `script` on a board with `info`, `functionNames` and a heap of `heapBytes`, if it ran on one such board before. */
export function scriptSnapshotFor(info: HostValue, functionNames: readonly string[], library: string, script: TemplateScript, heapBytes: number): Promise<Snapshot | undefined> | undefined {
  const key = `${snapshotKey(info, functionNames)}\0${heapBytes}\0${script.configKeys.join(",")}\0${script.code}`;
  const entry = seen.get(key) ?? { runs: 0 };
  seen.delete(key);
  seen.set(key, entry);
  if (seen.size > SCRIPTS) seen.delete(seen.keys().next().value!);
  if (++entry.runs < 2) return undefined;
  return (entry.snapshot ??= snapshotFor(info, functionNames, library).then((base) => withScript(base, script, heapBytes)).catch(() => undefined));
}
