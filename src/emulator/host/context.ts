import type { Logger } from "pino";
import type { BoardProfile } from "../../boards/profile.ts";
import type { Clock } from "../../network-sim/clock.ts";
import type { Peripherals } from "../devices/peripherals.ts";
import type { HostValue } from "../host-api.ts";
import type { Scheduler } from "./scheduler.ts";

/** What the port modules' host calls (machine_*.ts, modtime.ts) reach of their Board. */
export interface PortContext {
  readonly profile: BoardProfile;
  readonly clock: Clock;
  readonly log: Logger;
  readonly mac: Uint8Array;
  readonly peripherals: Peripherals;
  readonly scheduler: Scheduler;
  /** Aborts when Ctrl-C (or a reset) ends the script's blocking call. */
  signal(): AbortSignal;
  /** The board stops here and boots again (machine.reset, deepsleep). */
  reset(): void;
  console(text: string): void;
  /** The RTC: ms since 1970, as the board's clock reads now; setting it moves the board's clock. */
  rtcNowMs(): number;
  setRtcMs(ms: number): void;
  /** Called when the board stops (reset, power off): timers end there. */
  onShutdown(fn: () => void): void;
}

export type HostFunctions = Record<string, (...args: never[]) => HostValue | Promise<HostValue>>;
