/**
 * MicroPython's select module (extmod/modselect.c): poll objects and select() over the board's
 * sockets. One host call waits on the whole set; the readiness rules per firmware are the host's
 * (src/emulator/host/modselect.ts).
 */
import { callable } from "./callable.ts";
import { OSError, tuple } from "./exceptions.ts";
import { call } from "./host.ts";
import { typeName } from "./builtins.ts";
import { socketFd } from "./socket.ts";

const POLLIN = 0x01;
const POLLOUT = 0x04;
const POLLERR = 0x08;
const POLLHUP = 0x10;

function fd(obj: unknown): number {
  const found = socketFd(obj);
  // mp_get_stream_raise (py/stream.c v1.23.0 line 108)
  if (found === undefined) throw new OSError("stream operation not supported");
  return found;
}

function int(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new TypeError(`can't convert ${typeName(value)} to int`);
  return value;
}

/**
 * The revents of each entry once one is ready or the time is up (null: no limit). Due callbacks
 * (Timer, Pin.irq) run inside the wait, which goes on (extmod/modselect.c v1.23.0
 * poll_set_poll_until_ready_or_timeout, lines 397-410: mp_event_wait_ms): call() runs them when
 * the host wakes it (WOKEN) and it asks again (host.ts thrown).
 */
function wait(entries: [unknown, number][], timeoutMs: number | null): number[] {
  return call<number[]>("selectPoll", entries.map(([obj, events]) => [fd(obj), events]), timeoutMs);
}

class poll {
  private readonly set = new Map<unknown, number>();
  register(obj: unknown, eventmask: unknown = POLLIN | POLLOUT): void {
    const events = int(eventmask);
    fd(obj);
    this.set.set(obj, events);
  }
  /** An object that was never registered is ignored (modselect.c poll_unregister). */
  unregister(obj: unknown): void {
    this.set.delete(obj);
  }
  modify(obj: unknown, eventmask: unknown): void {
    if (!this.set.has(obj)) throw new OSError(2); // MP_ENOENT
    this.set.set(obj, int(eventmask));
  }
  /** poll(timeout_ms): [(obj, revents), ...]; no timeout or a negative one waits for ever. */
  poll(timeout?: unknown): unknown[] {
    const ms = timeout === undefined || timeout === null ? null : int(timeout) < 0 ? null : (timeout as number);
    const entries = [...this.set.entries()];
    const revents = wait(entries, ms);
    return entries.flatMap(([obj], i) => (revents[i] ? [tuple<unknown>(obj, revents[i])] : []));
  }
  ipoll(timeout?: unknown, flags: unknown = 0): unknown[] {
    const ready = this.poll(timeout);
    if (int(flags) & 1) for (const [obj] of ready as [unknown][]) this.set.set(obj, 0); // FLAG_ONESHOT
    return ready;
  }
  __repr__(): string {
    return "<poll>";
  }
}

/** select(rlist, wlist, xlist[, timeout_s]): (readable, writable, in error). */
function select(rlist: unknown, wlist: unknown, xlist: unknown, timeout?: number | null): unknown[] {
  const masks = new Map<unknown, number>();
  const add = (list: unknown, mask: number) => {
    if (!Array.isArray(list)) throw new TypeError(`object '${typeName(list)}' isn't a tuple or list`);
    for (const obj of list) masks.set(obj, (masks.get(obj) ?? 0) | mask);
  };
  add(rlist, POLLIN);
  add(wlist, POLLOUT);
  add(xlist, POLLERR | POLLHUP);
  const entries = [...masks.entries()];
  const ms = timeout === undefined || timeout === null || timeout < 0 ? null : Math.floor(timeout * 1000);
  const revents = wait(entries, ms);
  const pick = (test: (r: number) => boolean) => entries.filter((_, i) => test(revents[i]!)).map(([obj]) => obj);
  return tuple<unknown>(pick((r) => (r & POLLIN) !== 0), pick((r) => (r & POLLOUT) !== 0), pick((r) => (r & ~(POLLIN | POLLOUT)) !== 0));
}

export default { POLLIN, POLLOUT, POLLERR, POLLHUP, poll: callable(poll), select };
