import type { Logger } from "pino";
import type { BoardProfile } from "../../boards/profile.ts";
import type { Clock } from "../../network-sim/clock/clock.ts";
import type { Lan } from "../../network-sim/lan.ts";
import type { SoftAp } from "../../network-sim/wifi/soft-ap.ts";
import type { Wlan } from "../../network-sim/wifi/wlan.ts";
import type { ConsoleOut } from "../board-options.ts";
import type { BoardSerial } from "../console/board-serial.ts";
import type { Oled } from "../devices/oled.ts";
import type { Peripherals } from "../devices/peripherals.ts";
import type { Flash } from "../flash.ts";
import type { HostValue } from "../host-api.ts";
import type { HostModuleName, HostName } from "./table.ts";
import type { Scheduler } from "./scheduler.ts";
import type { SocketTable } from "./socket-table.ts";

/** What a firmware module's host calls see of their board. */
export interface BoardContext {
  readonly profile: BoardProfile;
  readonly name: string;
  readonly mac: Uint8Array;
  readonly log: Logger;
  readonly clock: Clock;
  /** The LAN it is on (its router's DNS: getaddrinfo). */
  readonly lan: Lan;
  readonly sta: Wlan;
  /** The AP interface (network.AP_IF). */
  readonly ap: SoftAp;
  /** The network module's globals, kept across soft resets as the firmware's C statics. */
  readonly networkGlobals: NetworkGlobals;
  /** The built-in screen, on boards that have one. */
  readonly oled: Oled | null;
  readonly sockets: SocketTable;
  /** The board's serial console. */
  /** The console; a promise while it is full (USB CDC back-pressure): print waits for it. */
  readonly console: ConsoleOut;
  /** Aborted by Ctrl-C: every blocking call waits on it. */
  readonly signal: AbortSignal;
  /** performance.now() when the guest last let the event loop take a turn. */
  readonly lastYield: number;
  /** The console port, when the board boots to its REPL. */
  readonly serial: BoardSerial | null;
  /** The flash filesystem (mounted at "/" in the .py engine). */
  readonly flash: Flash;
  /** Drops a Ctrl-C that came after the code ended (the REPL reads again). */
  clearInterrupt(): void;
  /** machine.reset(): the runner boots the board again. */
  machineReset(): void;
  /** Pins, ADC, PWM and sensors: what the script drives and what tests set (kept across resets). */
  readonly peripherals: Peripherals;
  /** Callbacks (Timer, Pin.irq) due in the script. */
  readonly scheduler: Scheduler;
  /** The clock's reading (ms) when this boot began: ticks_ms()/ticks_us() count from it. */
  readonly bootMs: number;
  /** machine.reset_cause() of this boot. */
  readonly resetCause: number;
  /** The RTC: ms since 1970 as the board's clock reads now; setting it moves the board's clock. */
  rtcNowMs(): number;
  setRtcMs(ms: number): void;
  /**
   * Called at each soft reset and when the board stops (reset, power off): the ports' deinit of
   * their peripherals, e.g. timers and pin IRQs (soft_reset_exit in ports/rp2/main.c, esp32/main.c).
   * `softReset` tells the two apart: outputs such as a PWM keep what the script left when it ends.
   */
  onDeinit(fn: (softReset: boolean) => void): void;
}

/**
 * extmod/modnetwork.c v1.23.0 lines 53-59: the WiFi country (cyw43 takes it when the chip starts;
 * the ESP ports only keep it) and network.hostname()'s name, which the station's DHCP sends.
 */
export interface NetworkGlobals {
  country: string;
  hostname: string;
  /** WLAN.config()'s settings the simulation only keeps (pm, txpower, ...), by setting (network_wlan_config.ts). */
  config: Map<string, HostValue>;
}

/** A host function takes the guest's plain values; each checks what it was given. */
export type HostFunction = (...args: never[]) => HostValue | Promise<HostValue>;

/** One firmware module's host calls: exactly the names the table lists for it (each module checks with `satisfies`). */
export type HostCalls<M extends HostModuleName> = Record<HostName<M>, HostFunction>;
export type HostModule<M extends HostModuleName> = (board: BoardContext) => HostCalls<M>;
