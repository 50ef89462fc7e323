import type { Logger } from "pino";
import type { BoardProfile } from "../boards/profile.ts";
import type { AccessPoint } from "./wifi/access-point.ts";
import type { Clock } from "./clock/clock.ts";
import type { Lan } from "./lan.ts";
import type { LanHost } from "./lan-host.ts";

/** Which network a packet for an address leaves on, and the board's own address there. */
export interface Route {
  net: AccessPoint;
  localIp: string;
}

/** What every socket (TCP or UDP) needs from the board it lives on. */
export interface NetHost {
  lan: Lan;
  clock: Clock;
  log: Logger;
  profile: BoardProfile;
  /** The board's current address, null while it has no link. */
  localIp(): string | null;
  /** The board as the LAN sees it. */
  lanHost: LanHost;
  /** The way to `ip`; null when the board has no network that leads there. */
  route(ip: string): Route | null;
  /** The PC port a listening board port is forwarded from (--forward), the board port by default. */
  hostPort(boardPort: number): number;
}
