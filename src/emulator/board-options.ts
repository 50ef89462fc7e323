import type { Logger } from "pino";
import type { BoardProfile, TimingProfileName } from "../boards/profile.ts";
import type { Lan } from "../network-sim/lan.ts";
import type { BoardSerial } from "./console/board-serial.ts";
import type { Peripherals } from "./devices/peripherals.ts";
import type { Flash } from "./flash.ts";
import type { Rtc } from "./rtc.ts";

/**
 * Where a board's console text goes. A promise: the console is full, print waits for it (USB CDC
 * back-pressure). `flush`: a console that holds text for the event loop's next turn hands it on
 * now (the QuickJS engine, while the script keeps the loop: time-slice.ts). `bytes`: a console that
 * also takes text as its UTF-8 bytes, lent for the call only (it copies what it keeps): a TS
 * script's print(data) line then never becomes a string (quickjs/native.ts, consoleText).
 */
export type ConsoleOut = ((text: string) => void | Promise<void>) & { flush?(): void; bytes?(data: Uint8Array): void | Promise<void> };

/** What a Board is made of: its profile, its LAN and what the runner keeps across resets. */
export interface BoardOptions {
  profile: BoardProfile;
  lan: Lan;
  log: Logger;
  timing: TimingProfileName;
  /** The board's serial console (stdout in the CLI). */
  console: ConsoleOut;
  /** Station MAC; the profile's OUI and a hash of the board's name when omitted. */
  mac?: Uint8Array;
  /** The board's name on the LAN (lab files name each board); the profile id by default. */
  name?: string;
  /** --forward: PC port for a listening board port, when not the same number. */
  forwards?: ReadonlyMap<number, number>;
  /** The real-time clock; the runner keeps it across resets (a new one, as the firmware starts it, by default). */
  rtc?: Rtc;
  /** The console port, when the board boots to its REPL (it outlives the Board: resets keep it). */
  serial?: BoardSerial;
  /** The flash filesystem (a fresh one in memory by default); the runner keeps it across resets. */
  flash?: Flash;
  /** machine.reset(): the runner reboots the board. */
  onMachineReset?: () => void;
  /** The pins and what is wired to them; kept across resets by the runner (a new set by default). */
  peripherals?: Peripherals;
}
