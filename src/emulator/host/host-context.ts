import type { Logger } from "pino";
import type { BoardProfile } from "../../boards/profile.ts";
import type { Clock } from "../../network-sim/clock.ts";
import type { Lan } from "../../network-sim/lan.ts";
import type { TcpSocket } from "../../network-sim/tcp-socket.ts";
import type { UdpSocket } from "../../network-sim/udp-socket.ts";

/** What the per-module host calls (modsocket.ts, modselect.ts) need from the Board they serve. */
export interface HostContext {
  profile: BoardProfile;
  lan: Lan;
  clock: Clock;
  log: Logger;
  /** Aborts the blocked call on Ctrl-C (a new signal after each interrupt). */
  signal(): AbortSignal;
  /** Writes to the board's console (the firmware's warnings). */
  write(text: string): void;
  /** The open socket with this descriptor, or undefined once closed. */
  socket(fd: number): TcpSocket | UdpSocket | undefined;
}
