import type { SocketAddress } from "../address.ts";
import type { NetSocketLink } from "../pc/host-bridge.ts";
import type { MemoryLink } from "./memory-link.ts";
import type { Connection, Direction } from "../lan-hooks.ts";
import type { Pipe } from "./pipe.ts";

/** A connection inside the LAN (board to board, or board and a PC peer in virtual time) for the LAN's hooks. */
export function memoryConnection(client: MemoryLink, server: MemoryLink, hosts: [string, string], openedAt: number): Connection {
  const toServer = client.out;
  const toClient = server.out;
  return {
    client: client.local,
    server: client.remote,
    hosts,
    openedAt,
    wrap: (direction, wrapper) => {
      if (direction === "upstream") client.out = wrapper(client.out);
      else server.out = wrapper(server.out);
    },
    reset: () => {
      toServer.rst();
      toClient.rst();
    },
  };
}

/** A connection between a board and a real socket on the PC; `boardIsClient` when the board connected. */
export function socketConnection(
  link: NetSocketLink,
  boardIsClient: boolean,
  [client, server]: [SocketAddress, SocketAddress],
  hosts: [string, string],
  openedAt: number,
): Connection {
  const toBoard = link.incoming;
  const toPeer = link.out;
  const side = (direction: Direction): "out" | "incoming" => ((direction === "upstream") === boardIsClient ? "out" : "incoming");
  return {
    client,
    server,
    hosts,
    openedAt,
    wrap: (direction, wrapper: (next: Pipe) => Pipe) => {
      const key = side(direction);
      link[key] = wrapper(link[key]);
    },
    reset: () => {
      toBoard.rst();
      toPeer.rst();
    },
  };
}
