import { TcpSocket } from "../../network-sim/tcp/tcp-socket.ts";
import type { SocketStreams } from "../host-api.ts";
import type { SocketTable } from "./socket-table.ts";

/** The board's TCP sockets as an engine moves their data between host calls (host-api.ts SocketStreams). */
export function socketStreams(sockets: SocketTable): SocketStreams {
  const tcp = (fd: number) => {
    const socket = sockets.find(fd);
    return socket instanceof TcpSocket ? socket : undefined;
  };
  return {
    peek: (fd, into) => tcp(fd)?.peekReceived(into) ?? 0,
    consume: (fd, n) => tcp(fd)?.consumeReceived(n),
    sendRoom: (fd) => tcp(fd)?.sendRoom() ?? 0,
    send: (fd, data) => tcp(fd)?.sendBuffered(data),
  };
}
