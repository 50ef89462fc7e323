import { milliseconds } from "./arguments.ts";
import { isIPv4 } from "../../network-sim/address.ts";
import { FirmwareError, NetError } from "../../network-sim/errors.ts";
import { TcpSocket } from "../../network-sim/tcp/tcp-socket.ts";
import { UdpSocket } from "../../network-sim/udp/udp-socket.ts";
import { GuestException, type HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/** MicroPython's socket module (extmod/modlwip.c on lwIP ports, ports/esp32's modsocket.c): TCP and UDP. */
export function modsocket(board: BoardContext) {
  const { profile, sockets } = board;
  return {
    socketNew: (_af: number, type: number): number => {
      const { SOCK_STREAM, SOCK_DGRAM } = profile.socket.constants;
      if (type === SOCK_DGRAM) return sockets.add(new UdpSocket(sockets.host));
      if (type !== SOCK_STREAM) throw new NetError("EOPNOTSUPP");
      // TCP PCBs (lwIP raw API) or socket descriptors (ESP32) run out; UDP has its own pool.
      if (sockets.openTcp() >= profile.socket.maxSockets) throw new NetError(profile.socket.socketsExhausted);
      return sockets.add(new TcpSocket(sockets.host));
    },
    socketConnect: (id: number, host: string, port: number): null | Promise<null> => {
      const ip = address(board, host);
      const socket = sockets.get(id);
      if (socket instanceof UdpSocket) return socket.connect(ip, port), null;
      return socket.connect(ip, port, board.signal).then(() => null);
    },
    socketSendto: (id: number, data: Uint8Array, host: string, port: number): number => sockets.udp(id).sendto(data, address(board, host), port),
    socketRecvfrom: async (id: number, size: number): Promise<HostValue> => {
      const { data, from } = await sockets.udp(id).recvfrom(size, board.signal);
      return [data, from[0], from[1]];
    },
    socketBind: (id: number, ip: string, port: number): null => {
      if (ip !== "" && !isIPv4(ip)) throw new FirmwareError("ValueError", "invalid arguments");
      sockets.get(id).bind(ip, port);
      return null;
    },
    socketListen: (id: number, backlog: number | null): Promise<null> => sockets.tcp(id).listen(backlog ?? profile.socket.defaultBacklog).then(() => null),
    socketAccept: (id: number): HostValue | Promise<HostValue> => {
      const accepted = (conn: TcpSocket): HostValue => {
        const fd = sockets.add(conn);
        sockets.host.roomFreed(); // the connection left the accept queue
        return [fd, ...conn.remote!];
      };
      const conn = sockets.tcp(id).accept(board.signal);
      return conn instanceof Promise ? conn.then(accepted) : accepted(conn);
    },
    socketSend: (id: number, data: Uint8Array): number | Promise<number> => {
      const socket = sockets.get(id);
      return socket instanceof UdpSocket ? socket.send(data) : socket.send(data, board.signal);
    },
    socketSendAll: (id: number, data: Uint8Array): number | Promise<number> => sockets.tcp(id).send(data, board.signal, true),
    socketRecv: (id: number, size: number): Uint8Array | Promise<Uint8Array> => {
      const socket = sockets.get(id);
      if (socket instanceof TcpSocket) return socket.recv(size, board.signal);
      const datagram = socket.recvfrom(size, board.signal);
      return datagram instanceof Promise ? datagram.then((d) => d.data) : datagram.data;
    },
    socketClose: (id: number): null => {
      sockets.close(id);
      return null;
    },
    socketSetTimeout: (id: number, ms: number | null): null => {
      sockets.get(id).timeoutMs = ms === null ? null : milliseconds(ms);
      return null;
    },
    socketSetsockopt: (id: number, _level: number, option: number): null => {
      sockets.get(id);
      const known = Object.entries(profile.socket.constants).some(([name, value]) => /^(SO_|TCP_|IP_)/.test(name) && value === option);
      if (!known) board.console(profile.socket.setsockoptWarning + "\n");
      return null;
    },
  } satisfies HostCalls<"modsocket">;
}

/**
 * An address for connect()/sendto(): a numeric IP, or a name where the firmware resolves names
 * (ESP32); the lwIP raw-API ports parse numbers only.
 */
function address(board: BoardContext, host: string): string {
  if (isIPv4(host)) return host;
  if (!board.profile.socket.resolvesHostnames) throw new FirmwareError("ValueError", "invalid arguments");
  // The simulated router's DNS has no names to give, so the lookup fails at once (a real router
  // may take its DNS timeout: UNVERIFIED).
  board.log.warn({ host }, `DNS: no address for "${host}"`);
  throw new GuestException("OSError", [board.profile.socket.dnsFailureErrno]);
}
