import { isDeepStrictEqual } from "node:util";
import type { HostValue } from "../host-api.ts";
import type { Scheduler } from "./scheduler.ts";
import type { HostName } from "./table.ts";

/**
 * A blocking call's answer when callbacks (Timer, Pin.irq) came due while it waited. Compared by
 * identity: no value a host call returns (a script's own text, an SSID) can be it. It never reaches
 * a guest as a value: the .py engine answers with a bit beside the callbacks-due bit
 * (micropython/engine.ts), the TS engine throws a signal its guest catches (quickjs/raw-ffi.ts).
 */
export const WOKEN: HostValue = Object.freeze({});

/**
 * The calls whose firmware wait runs due callbacks while it blocks. extmod/modlwip.c v1.23.0
 * (Pico W, ESP8266): poll_sockets() (lines 329-331, mp_event_wait_ms: py/scheduler.c:271-279 runs
 * mp_handle_pending) in the wait loops of UDP recv (653), TCP send (723) and recv (791), accept
 * (1057), connect (1145); ports/esp32/modsocket.c v1.23.0: check_for_exceptions() (lines 155-157,
 * mp_handle_pending) in connect (355), accept (468), recv (658), send (714), sendto (769), write
 * (805); TLS, whose reads and writes are the socket stream's (extmod/modtls_mbedtls.c v1.23.0
 * _mbedtls_ssl_send/_recv, lines 448-480); extmod/modselect.c poll_set_poll_until_ready_or_timeout
 * (MICROPY_EVENT_POLL_HOOK); time.sleep's mp_hal_delay_ms (ports/rp2/mphalport.c:202-207:
 * mp_event_handle_nowait in its loop).
 */
const WAKEABLE: ReadonlySet<string> = new Set<HostName>([
  "socketAccept",
  "socketConnect",
  "socketRecv",
  "socketRecvfrom",
  "socketRead",
  "socketReadline",
  "socketSend",
  "socketSendAll",
  "socketWrite",
  "tlsWrap",
  "tlsRead",
  "tlsReadline",
  "tlsWrite",
  "selectPoll",
  "timeSleep",
]);

/** The engines' own calls between the script's (busy time, console output): a parked wait goes on past them. */
const ASIDE: ReadonlySet<string> = new Set<HostName>(["poll", "write"]);

/**
 * Callbacks inside blocking calls, as the firmware runs them: a blocking call that a due callback
 * wakes answers WOKEN and parks (its wait goes on); the guest runs the callbacks and asks the same
 * call again, which gets the parked wait: its deadline (a socket's timeout, a sleep's end) is the
 * first call's. One host-side mechanism for sockets, select and sleep, for both guests.
 */
export class BlockingWake {
  private parked: { name: string; args: readonly HostValue[]; pending: Promise<HostValue> } | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    /** Ends the parked wait (aborts what it waits on): called only while no other call waits. */
    private readonly cancel: () => void,
  ) {}

  /**
   * Before call `name` runs, once the guest has run the callbacks: the parked wait if this is its
   * call asked again (same name and arguments), else null. Any other call ends the parked one: the
   * guest went on without it (asyncio's loop, whose wait a callback ended by setting a
   * ThreadSafeFlag, then polls other sockets or with timeout 0). The arguments are compared only
   * while a wait is parked: the guests ask again with equal ones (decoded anew on .py).
   */
  resume(name: string, args: readonly HostValue[]): Promise<HostValue> | null {
    const parked = this.parked;
    if (parked === null || this.scheduler.running || ASIDE.has(name)) return null;
    this.parked = null;
    if (parked.name === name && isDeepStrictEqual(parked.args, args)) return parked.pending;
    this.cancel();
    return null;
  }

  /**
   * Call `name` blocks on `pending`: a callback coming due first answers WOKEN and parks the wait.
   * No race before the script has a callback: with one, a TS 64-byte round trip (one blocked recv)
   * costs ≈ 8 µs more (docs/benchmarks.md). One promise more, not Promise.race's chain of three.
   */
  wait(name: string, args: readonly HostValue[], pending: Promise<HostValue>): Promise<HostValue> {
    if (!this.scheduler.armed || this.scheduler.running || !WAKEABLE.has(name)) return pending;
    return new Promise<HostValue>((resolve, reject) => {
      let settled = false;
      const woken = () => {
        if (!settled) resolve(this.park(name, args, pending));
        settled = true;
      };
      pending.then(
        (value) => {
          settled = true;
          this.scheduler.off(woken);
          resolve(value);
        },
        (error: unknown) => {
          settled = true;
          this.scheduler.off(woken);
          reject(error);
        },
      );
      // Callbacks already queued: after a wait that has ended (a sleep asked again past its
      // deadline), whose answer comes first, so the code goes on between callbacks (py/scheduler.c:105-114).
      if (this.scheduler.pending) queueMicrotask(woken);
      else this.scheduler.onScheduled(woken);
    });
  }

  private park(name: string, args: readonly HostValue[], pending: Promise<HostValue>): HostValue {
    pending.catch(() => {}); // ended while parked (Ctrl-C, the code's end): nobody asks for it
    this.parked = { name, args, pending };
    this.scheduler.running = true; // from here the guest runs callbacks: its calls are theirs
    return WOKEN;
  }

  /** Ctrl-C or the code's end aborts every wait: the parked one is forgotten, and the callbacks it ran end with a KeyboardInterrupt. */
  forget(): void {
    this.parked = null;
    this.scheduler.running = false;
  }
}
