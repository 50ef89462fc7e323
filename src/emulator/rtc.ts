import type { PortProfile } from "../boards/port.ts";
import type { Clock } from "../network-sim/clock/clock.ts";

/**
 * A board's real-time clock: what time.time(), localtime(), RTC.datetime() and the TLS certificate
 * check read. It outlives each Board (the runner keeps it across resets, as the chip's RTC outlives
 * a CPU reset) and runs on the board's clock; each boot starts it as the port's firmware does
 * (PortProfile.rtcStart). A soft reset never touches it: no port's soft-reset path sets the clock
 * (ports/rp2/main.c:149-230, ports/esp32/main.c:124-210; ports/esp8266/main.c:90-98 runs
 * mp_hal_rtc_init, which keeps a clock whose RTC memory holds its magic, machine_rtc.c:57-77).
 */
export class Rtc {
  /** What the clock reads minus the simulated time: it reads `offsetMs + clock.now()` ms since 1970. */
  private offsetMs: number | null = null;
  /** A lab's preset clock: the first boot keeps it instead of the firmware's start value. */
  private preset: boolean;

  /** `presetMs`: the clock reads this at simulated time 0, as if set then (a lab's `rtc` option). */
  constructor(
    private readonly clock: Clock,
    presetMs?: number,
  ) {
    this.preset = presetMs !== undefined;
    if (presetMs !== undefined) this.offsetMs = presetMs;
  }

  /** A boot: the port's firmware sets the clock at power-on, and at every boot where it says so. */
  boot(start: PortProfile["rtcStart"], powerOn: boolean): void {
    if (this.preset) this.preset = false;
    else if (this.offsetMs === null || powerOn || start.everyBoot) this.set(start.ms);
  }

  /** Ms since 1970 as the clock reads now. */
  nowMs(): number {
    return (this.offsetMs ?? 0) + this.clock.now();
  }

  set(ms: number): void {
    this.offsetMs = ms - this.clock.now();
  }
}
