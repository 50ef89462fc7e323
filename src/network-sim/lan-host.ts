import type { SocketAddress } from "./address.ts";
import type { LinkBuffers } from "./pc/host-bridge.ts";
import type { TcpLink } from "./tcp/tcp-link.ts";

/** A board's network stack as the LAN sees it: where connections and datagrams for its address land. */
export interface LanHost {
  readonly name: string;
  readonly mac: Uint8Array;
  readonly linkBuffers: LinkBuffers;
  /** The TCP_MSS its stack announces (the capture draws it); absent: Ethernet's 1460. */
  readonly mss?: number | undefined;
  /** A connection for `localPort`; false when nothing listens there (the LAN answers RST). */
  acceptTcp(localPort: number, link: TcpLink): boolean;
  receiveUdp(localPort: number, from: SocketAddress, data: Uint8Array): void;
}
