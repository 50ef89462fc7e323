import { HostBridge, type Forward, type UdpForward } from "./host-bridge.ts";

/**
 * The bridge of a virtual-time lab: no real sockets (their events would not wait for simulated
 * time). Listening board ports are reached by in-memory PC peers instead (Lan.pc); nothing leaves.
 */
export class OfflineBridge extends HostBridge {
  override async forward(_board: unknown, _hostIp: unknown, _buffers: unknown, _onConnection: unknown, wantedPort: number): Promise<Forward> {
    return { hostPort: wantedPort, close: () => {} };
  }

  override async udp(board: readonly [string, number]): Promise<UdpForward> {
    return { hostPort: board[1], send: async () => {}, close: () => {} };
  }
}
