/**
 * The machine module's functions (ports/<port>/modmachine.c, v1.23.0): reset, unique_id, freq,
 * reset_cause, lightsleep and deepsleep (the board is off for the time, then boots again and runs
 * its script from the start with reset_cause() DEEPSLEEP_RESET). Pins, ADC, PWM, RTC and timers
 * are machine_*.ts; the rest is micropython/guest/machine.py.
 */
import { abortableWait } from "../../network-sim/clock/abortable-wait.ts";
import { FirmwareError } from "../../network-sim/errors.ts";
import type { BoardContext, HostCalls } from "./context.ts";

export function modmachine(board: BoardContext) {
  const { port } = board.profile;
  let freq = port.freqHz;
  return {
    /** machine.reset(): the board restarts (the runner boots it again); this call never returns. */
    machineReset: (): Promise<null> => {
      board.peripherals.resetCause = port.resetCauses.reset;
      board.machineReset();
      return new Promise(() => {});
    },
    /** The chip's id: on ESP32 its MAC; elsewhere derived from the MAC (a simulated board has no flash or chip id). */
    machineUniqueId: (): Uint8Array => Uint8Array.from({ length: port.uniqueIdBytes }, (_, i) => board.mac[(i + 12 - port.uniqueIdBytes) % 6]! ^ (i >= 6 ? 0x5a : 0)),
    machineFreq: (hz: number | null): number | null => {
      if (hz === null) return freq;
      if (port.freqChoices && !port.freqChoices.hz.includes(Math.floor(hz / 1e6) * 1e6)) throw new FirmwareError("ValueError", port.freqChoices.error);
      freq = hz;
      return null;
    },
    machineResetCause: (): number => board.resetCause,
    /** deepsleep([ms]): the board is off for `ms` (for ever without), then boots with DEEPSLEEP_RESET. */
    machineDeepsleep: (ms: number | null): Promise<null> => {
      board.peripherals.resetCause = port.resetCauses.deepsleep;
      board.peripherals.wakeAfterMs = ms ?? Number.POSITIVE_INFINITY;
      board.log.info({ ms }, "machine.deepsleep()");
      board.machineReset();
      return new Promise(() => {});
    },
    /**
     * bootloader(): the RP2040 restarts into its ROM's USB mass-storage bootloader (BOOTSEL,
     * reset_usb_boot, ports/rp2/modmachine.c:81-87): its serial port is gone and no MicroPython
     * runs until the next reset or power cycle, which then reads as PWRON_RESET.
     */
    machineBootloader: (): Promise<null> => {
      board.peripherals.resetCause = port.resetCauses.powerOn;
      board.peripherals.wakeAfterMs = Number.POSITIVE_INFINITY;
      board.log.info("machine.bootloader(): the board is in its USB bootloader (BOOTSEL) until reset");
      board.machineReset();
      return new Promise(() => {});
    },
    /**
     * lightsleep([ms]) / the REPL's wait: the script pauses until `ms` have passed or a scheduled
     * callback is due; Ctrl-C raises KeyboardInterrupt there, also in a sleep without `ms`.
     */
    machineLightsleep: (ms: number | null): Promise<null> => {
      if (board.scheduler.pending) return Promise.resolve(null);
      return abortableWait(board.signal, (resolve) => {
        const wake = () => {
          stop();
          resolve(null);
        };
        const cancelTimer = ms === null ? () => {} : board.clock.setTimer(ms, wake);
        const stop = () => {
          cancelTimer();
          board.scheduler.off(wake);
        };
        board.scheduler.onScheduled(wake);
        return stop;
      });
    },
  } satisfies HostCalls<"modmachine">;
}
