/**
 * One direction of a connection inside the LAN: the segments one end sends, on their way to the
 * other end. A fault (delay, loss, reset) or the capture wraps a Pipe and passes segments on.
 */
export interface Pipe {
  data(chunk: Uint8Array): void;
  fin(): void;
  rst(): void;
}

/** What passes through a Pipe, as one value. */
export type Segment = { kind: "data"; chunk: Uint8Array } | { kind: "fin" } | { kind: "rst" };

/** A Pipe that reports every segment to `see` before passing it on. */
export function tap(next: Pipe, see: (segment: Segment) => void): Pipe {
  return {
    data: (chunk) => (see({ kind: "data", chunk }), next.data(chunk)),
    fin: () => (see({ kind: "fin" }), next.fin()),
    rst: () => (see({ kind: "rst" }), next.rst()),
  };
}
