import { NetError } from "../../network-sim/errors.ts";
import type { PollState } from "../../network-sim/poll-state.ts";
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { TcpSocket } from "../../network-sim/tcp/tcp-socket.ts";
import { sslChanged, sslPollEvents } from "./modtls.ts";
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT } from "./stream-poll.ts";


/** The descriptor the guest passes for sys.stdin. */
const STDIN = -1;

/**
 * extmod/modlwip.c v1.23.0 lwip_socket_ioctl(MP_STREAM_POLL), lines 1524-1576: POLLIN for a queued
 * connection (listening) or a received pbuf; POLLOUT for UDP, or TCP with tcp_sndbuf() > 0 (also
 * before connecting); a socket still STATE_NEW (TCP, bind() does not change it) adds POLLHUP; a
 * peer-closed one is readable and writable; after RST writable with POLLHUP; other errors POLLERR.
 */
function modlwipEvents(s: PollState, events: number): number {
  let ret = 0;
  if (events & POLLIN && s.incoming) ret |= POLLIN;
  // UNVERIFIED: a listening PCB has no send buffer of its own; taken as not writable.
  const hasPcb = s.state !== "listening" && s.state !== "reset" && s.state !== "failed";
  if (events & POLLOUT && hasPcb && s.sendSpace > 0) ret |= POLLOUT;
  if (s.kind === "tcp" && (s.state === "new" || s.state === "bound")) ret |= POLLHUP;
  else if (s.state === "peer_closed") ret |= events & (POLLIN | POLLOUT);
  else if (s.state === "reset") ret |= (events & POLLOUT) | POLLHUP;
  else if (s.state === "failed") ret |= POLLERR;
  return ret;
}

/**
 * ports/esp32/modsocket.c v1.23.0 socket_stream_ioctl(MP_STREAM_POLL), lines 811-858: lwIP's own
 * select() with zero timeout (readable: data, a pending accept, end of stream or an error; writable:
 * connected with send space or failed; POLLHUP only when asked and the socket has an error), then a
 * socket still SOCKET_STATE_NEW (TCP before bind/connect, line 287) is writable and POLLHUP.
 */
function esp32Events(s: PollState, events: number): number {
  let ret = 0;
  const broken = s.state === "reset" || s.state === "failed";
  if (events & POLLIN && (s.incoming || s.state === "peer_closed" || broken)) ret |= POLLIN;
  const writable = s.kind === "udp" || broken || s.state === "peer_closed" || (s.state === "connected" && s.sendSpace > 0);
  if (events & POLLOUT && writable) ret |= POLLOUT;
  if (events & POLLHUP && broken) ret |= POLLHUP;
  if (s.kind === "tcp" && s.state === "new") ret |= (events & POLLOUT) | POLLHUP;
  return ret;
}

/** select/poll's host calls: one call waits on a whole set of sockets, in the board's clock. */
export function modselect(board: BoardContext) {
  const rules = board.profile.socket.module === "esp32" ? esp32Events : modlwipEvents;

  const revents = (fd: number, events: number): number => {
    // The console (shared/runtime/sys_stdio_mphal.c stdio_ioctl → the ports' mp_hal_stdio_poll,
    // ports/esp32/mphalport.c, ports/rp2/mphalport.c): POLLIN when the stdin ring buffer holds bytes,
    // POLLOUT always. A script run without a console never has input.
    if (fd === STDIN) return (events & POLLOUT) | (events & POLLIN && board.serial?.readable ? POLLIN : 0);
    const socket = board.sockets.find(fd);
    if (!socket) return POLLNVAL;
    const own = rules(socket.pollState(), events);
    return (socket instanceof TcpSocket ? sslPollEvents(socket, events, own) : null) ?? own;
  };

  return {
    /**
     * poll.poll()/select.select(): [[fd, events], ...] → the revents of each, after waiting until one
     * is non-zero or `timeoutMs` passes (null: no limit; extmod/modselect.c
     * poll_set_poll_until_ready_or_timeout). Ctrl-C ends the wait with KeyboardInterrupt; due
     * callbacks run inside it (blocking-wake.ts).
     */
    selectPoll: (entries: readonly (readonly [number, number])[], timeoutMs: number | null): HostValue | Promise<HostValue> => {
      const check = () => entries.map(([fd, events]) => revents(fd, events));
      const now = check();
      if (now.some((r) => r !== 0) || timeoutMs === 0) return now;
      return waitReady(board, entries, timeoutMs, check);
    },
  } satisfies HostCalls<"modselect">;
}

async function waitReady(
  board: BoardContext,
  entries: readonly (readonly [number, number])[],
  timeoutMs: number | null,
  check: () => number[],
): Promise<HostValue> {
  const outer = board.signal;
  const deadline = timeoutMs === null ? null : board.clock.now() + timeoutMs;
  for (;;) {
    const round = new AbortController();
    const onAbort = () => round.abort(outer.reason);
    outer.addEventListener("abort", onAbort, { once: true });
    if (outer.aborted) round.abort(outer.reason);
    const expired = new NetError("ETIMEDOUT");
    const cancelTimer = deadline === null ? () => {} : board.clock.setTimer(Math.max(0, deadline - board.clock.now()), () => round.abort(expired));
    const waits = entries.flatMap(([fd, events]) => {
      const socket = board.sockets.find(fd);
      if (fd === STDIN) return events & POLLIN && board.serial ? [board.serial.whenInput(round.signal)] : [];
      if (!socket) return [];
      const own = socket.changed((events & POLLOUT) !== 0, round.signal);
      const ssl = socket instanceof TcpSocket ? sslChanged(socket, round.signal) : null;
      return ssl ? [own, ssl] : [own];
    });
    if (waits.length === 0) waits.push(new Promise((_, reject) => round.signal.addEventListener("abort", () => reject(round.signal.reason), { once: true })));
    try {
      await Promise.race(waits);
    } catch (error) {
      if (error !== expired) throw error;
      return check(); // timed out: what is ready now (nothing, usually)
    } finally {
      cancelTimer();
      outer.removeEventListener("abort", onAbort);
      round.abort(); // drops the other waits
    }
    const now = check();
    if (now.some((r) => r !== 0)) return now;
  }
}
