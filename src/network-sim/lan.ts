import type { Logger } from "pino";
import { AccessPoint, defaultAccessPointConfig, type AccessPointConfig } from "./access-point.ts";
import type { Clock } from "./clock.ts";
import type { SocketAddress } from "./address.ts";
import { sleep } from "./clock.ts";
import { NetError } from "./errors.ts";
import { HostBridge, type LinkBuffers } from "./host-bridge.ts";
import type { TcpLink } from "./tcp-link.ts";

export interface LanOptions {
  clock: Clock;
  log: Logger;
  /** The access points on the air; the embedded default network when omitted. */
  accessPoints?: AccessPointConfig[];
  /** The PC's address on the LAN: what a board sees as the peer of a forwarded connection. */
  hostIp?: string;
  bridge?: HostBridge;
}

/** The simulated WiFi LAN: its access points, the PC's place on it, and the bridge to real sockets. */
export class Lan {
  readonly clock: Clock;
  readonly log: Logger;
  readonly accessPoints: AccessPoint[];
  readonly hostIp: string;
  readonly bridge: HostBridge;

  constructor(opts: LanOptions) {
    this.clock = opts.clock;
    this.log = opts.log;
    this.accessPoints = (opts.accessPoints ?? [defaultAccessPointConfig()]).map((c) => new AccessPoint(c, opts.clock));
    this.hostIp = opts.hostIp ?? "192.168.1.2";
    this.bridge = opts.bridge ?? new HostBridge(opts.log);
  }

  findAccessPoint(ssid: string): AccessPoint | undefined {
    return this.accessPoints.find((ap) => ap.ssid === ssid);
  }

  /**
   * Opens a TCP connection from a board to `remote`. The PC's address goes out through the host
   * bridge; any other address (another board: the multi-board LAN plugs in here) has nobody
   * answering yet, so the SYNs go unanswered until `synTimeoutMs`, then ECONNABORTED.
   */
  async connect(remote: SocketAddress, buffers: LinkBuffers, synTimeoutMs: number, signal?: AbortSignal): Promise<TcpLink> {
    if (remote[0] === this.hostIp) return this.bridge.connect(remote, buffers, signal);
    this.log.warn({ to: `${remote[0]}:${remote[1]}` }, `nothing answers at ${remote[0]}:${remote[1]}`);
    await sleep(this.clock, synTimeoutMs, signal);
    throw new NetError("ECONNABORTED");
  }
}
