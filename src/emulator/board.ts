import type { Logger } from "pino";
import { stationMac } from "../boards/mac.ts";
import type { BoardProfile } from "../boards/profile.ts";
import type { SocketAddress } from "../network-sim/address.ts";
import type { Clock } from "../network-sim/clock/clock.ts";
import type { LinkBuffers } from "../network-sim/pc/host-bridge.ts";
import type { Lan } from "../network-sim/lan.ts";
import type { LanHost } from "../network-sim/lan-host.ts";
import { SoftAp } from "../network-sim/wifi/soft-ap.ts";
import type { TcpLink } from "../network-sim/tcp/tcp-link.ts";
import { Wlan } from "../network-sim/wifi/wlan.ts";
import { Oled } from "./devices/oled.ts";
import { Peripherals } from "./devices/peripherals.ts";
import { Scheduler } from "./host/scheduler.ts";
import { OledLog } from "./devices/oled-log.ts";
import type { BoardContext, HostFunction, NetworkGlobals } from "./host/context.ts";
import { HOST_NAMES, hostFunctions } from "./host/functions.ts";
import { CONSOLE_CALLS } from "./host/mphalport.ts";
import { SocketTable } from "./host/socket-table.ts";
import type { BoardSerial } from "./console/board-serial.ts";
import { MemoryFlash } from "./flash-memory.ts";
import type { BoardOptions } from "./board-options.ts";
import { HostCallGate, type GuestCall } from "./host-call-gate.ts";
import { route } from "./route.ts";
import { Rtc } from "./rtc.ts";
import { GuestException, type GuestEngine, type GuestHost, type HostValue, type RunOutcome } from "./host-api.ts";

/**
 * One virtual board: its lifecycle, the routing of its script's host calls (through its
 * HostCallGate: Ctrl-C, settling, halting) and its place on the LAN. The host calls themselves are
 * the firmware modules' (host/).
 */
export class Board implements GuestHost, LanHost, BoardContext {
  readonly profile: BoardProfile;
  readonly name: string;
  readonly mac: Uint8Array;
  readonly log: Logger;
  readonly clock: Clock;
  readonly lan: Lan;
  readonly console: BoardOptions["console"];
  readonly sta: Wlan;
  readonly networkGlobals: NetworkGlobals;
  /** The AP interface (network.AP_IF). */
  readonly ap: SoftAp;
  /** The built-in screen, on boards that have one: what the script last drew (shown or not). */
  readonly oled: Oled | null;
  readonly sockets: SocketTable;
  readonly functionNames: readonly string[];
  readonly serial: BoardSerial | null;
  readonly flash: BoardContext["flash"];
  /** Pins, ADC, PWM, sensors: what tests see and set (devices/peripherals.ts). */
  readonly peripherals: Peripherals;
  /** Timer and Pin.irq callbacks due in the script (host/scheduler.ts). */
  readonly scheduler: Scheduler;
  /** machine.reset_cause() of this boot. */
  readonly resetCause: number;
  readonly bootMs: number;
  private readonly rtc: Rtc;
  private readonly deinitHooks: ((softReset: boolean) => void)[] = [];
  private readonly onMachineReset: () => void;
  private readonly api: (name: string) => HostFunction | undefined;
  private readonly gate: HostCallGate;
  /** Set by run(): halt() ends the run as if the power went. */
  private halted: ((outcome: RunOutcome) => void) | null = null;

  constructor(opts: BoardOptions) {
    const { profile, lan, log } = opts;
    this.profile = profile;
    this.log = log;
    this.clock = lan.clock;
    // A callback queued while the script runs wants it only on a real clock: a simulated one moves only
    // at the script's own calls and polls, where its callbacks run too (a run stays the same every time).
    this.scheduler = new Scheduler(profile.port.schedulerDepth, () => (this.clock.busyLoop ? undefined : this.gate.want()));
    this.gate = new HostCallGate(this.clock, profile.errno, this.scheduler);
    this.lan = lan;
    this.console = opts.console;
    this.name = opts.name ?? profile.id;
    this.mac = opts.mac ?? stationMac(profile.macOui, this.name);
    const timing = profile.wlan.timing[opts.timing];
    this.networkGlobals = { country: "XX", hostname: profile.hostname, config: new Map() };
    this.sta = new Wlan({ lan, clock: this.clock, log, profile, timing, mac: this.mac, hostname: () => this.networkGlobals.hostname, host: this });
    this.ap = new SoftAp(lan, log, profile, this.mac, this);
    const hostPort = (boardPort: number) => opts.forwards?.get(boardPort) ?? boardPort;
    this.sockets = new SocketTable({ lan, clock: this.clock, log, profile, localIp: () => this.sta.ip, lanHost: this, route: (ip) => route(this.ap, this.sta, ip), hostPort });
    this.oled = profile.display ? new Oled(profile.display.width, profile.display.height) : null;
    this.serial = opts.serial ?? null;
    this.flash = opts.flash ?? new MemoryFlash(profile.flash);
    this.onMachineReset = opts.onMachineReset ?? (() => {});
    this.peripherals = opts.peripherals ?? new Peripherals();
    this.bootMs = this.clock.now(); // a new Board at each power-on, machine.reset() and deepsleep wake
    this.resetCause = this.peripherals.resetCause ?? profile.port.resetCauses.powerOn;
    this.peripherals.resetCause = null;
    this.rtc = opts.rtc ?? new Rtc(this.clock);
    this.rtc.boot(profile.port.rtcStart, this.resetCause === profile.port.resetCauses.powerOn);
    this.peripherals.boot();
    this.api = hostFunctions(this);
    this.functionNames = HOST_NAMES;
  }

  get streams(): SocketTable["streams"] { return this.sockets.streams; } // TCP data the .py engine moves in shared memory
  /** Aborted by Ctrl-C: every blocking host call waits on it. */
  get signal(): AbortSignal { return this.gate.signal; }
  get lastYield(): number { return this.gate.lastYield; }

  // As a LanHost: its buffers and what arrives for its ports.
  get linkBuffers(): LinkBuffers { return this.profile.socket; }
  /** The port's lwIP TCP_MSS (the profile's realistic link cites it), whatever the timing profile. */
  get mss(): number | undefined { return this.profile.wlan.timing.realistic.link?.mss; }
  acceptTcp(localPort: number, link: TcpLink): boolean {
    return this.sockets.acceptTcp(localPort, link);
  }
  receiveUdp(localPort: number, from: SocketAddress, data: Uint8Array): void {
    this.sockets.receiveUdp(localPort, from, data);
  }

  /** Prints the firmware banner, as the console shows after a reset. */
  boot(): void {
    this.console(`${this.profile.banner}\nType "help()" for more information.\n`);
  }

  /** Runs a script to its end; an uncaught exception prints its traceback on the console. */
  async run(engine: GuestEngine): Promise<RunOutcome> {
    if (this.gate.isHalted) return { kind: "reset" }; // switched off while it booted
    const halted = new Promise<RunOutcome>((resolve) => (this.halted = resolve));
    this.gate.setGuestRunning(true);
    try {
      const outcome = await Promise.race([engine.run(this), halted]);
      if (outcome.kind === "raised") this.console(outcome.traceback.join("\n") + "\n");
      return outcome;
    } finally {
      this.gate.setGuestRunning(false);
    }
  }

  /**
   * The reset button: the script stops where it is (no exception it could catch, nothing printed)
   * and run() ends with { kind: "reset" }; sockets are dropped with RST. The caller boots a new Board.
   */
  halt(): void {
    if (this.gate.isHalted) return;
    this.gate.halt();
    this.halted?.({ kind: "reset" });
    this.shutdown(true);
  }

  /** Ctrl-C: raises KeyboardInterrupt in the script, in the call it is blocked in or at its next one. */
  interrupt(): void { this.gate.interrupt(); }
  clearInterrupt(): void { this.gate.clearInterrupt(); }
  /** The script may be running without host calls (the console's Ctrl-C, BoardSerial.onMaybeRunning): its engine asks it to poll. */
  askScript(): void { this.gate.want(); }

  machineReset(): void { this.onMachineReset(); }

  /** The RTC: ms since 1970 as the board's clock reads now. */
  rtcNowMs(): number { return this.rtc.nowMs(); }

  setRtcMs(ms: number): void { this.rtc.set(ms); }

  onDeinit(fn: (softReset: boolean) => void): void { this.deinitHooks.push(fn); }

  onWanted(listener: (() => void) | null): void { this.gate.wanted = listener; }

  /** Whether callbacks wait for the script (the engine tells the guest with each host reply). */
  scheduled(): boolean {
    return this.scheduler.pending;
  }

  /**
   * Soft reset: the heap is swept, so every socket's finaliser closes it (gc_sweep_all,
   * ports/rp2/main.c:229, ports/esp32/main.c:190); the ports' peripherals are deinitialised and
   * mp_init empties the scheduler's queue; the WiFi interfaces stay as they are.
   */
  softReset(): void {
    this.sockets.closeAll(false);
    this.gate.clearInterrupt();
    this.deinitHooks.forEach((hook) => hook(true));
    this.scheduler.clear();
  }

  /** Closes every socket (with RST when `reset`) and leaves the network: the board is switched off. */
  shutdown(reset = false): void {
    this.deinitHooks.forEach((hook) => hook(false));
    this.scheduler.clear();
    if (this.oled) OledLog.stop(this.oled);
    this.sockets.closeAll(reset);
    this.sta.setActive(false);
    this.ap.setActive(false);
  }

  call(name: string, args: readonly HostValue[]): HostValue | Promise<HostValue> {
    // Before the lookup: a module first made by a halted board would take the next board's pin edges.
    if (this.gate.isHalted) return new Promise<HostValue>(() => {}); // a halted board never answers
    const fn = this.api(name) as GuestCall | undefined;
    if (!fn) throw new GuestException("RuntimeError", [`no host function ${name}`]);
    const consoleCall = CONSOLE_CALLS.has(name);
    if (!consoleCall) this.serial?.running();
    return this.gate.call(name, fn, args, !consoleCall);
  }
}
