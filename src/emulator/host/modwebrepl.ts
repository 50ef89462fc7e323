import { oserrorTexts } from "../../boards/errno.ts";
import { TcpSocket } from "../../network-sim/tcp/tcp-socket.ts";
import { GuestException } from "../host-api.ts";
import { WebReplSession } from "../webrepl/webrepl-server.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/**
 * WebREPL (the frozen webrepl module with its C helper extmod/modwebrepl.c): a
 * WebSocket server on the board's LAN port, serving the console and file get/put. It runs here,
 * on the board's sockets, so it is forwarded to the PC like any server of the board, and a soft
 * reset closes it as the firmware's socket sweep does (boot.py starts it again).
 */
export function modwebrepl(board: BoardContext) {
  let listener: number | null = null;
  const stop = (): void => {
    if (listener !== null) board.sockets.close(listener);
    listener = null;
  };
  return {
    /** webrepl.start(port, password): returns the board's address, for the firmware's "started" line. */
    webreplStart: async (port: number, password: string): Promise<string | null> => {
      const serial = board.serial;
      if (!serial) throw new GuestException("OSError", [19]); // ENODEV: a script run has no console to share
      // extmod/modwebrepl.c: webrepl_passwd[10], so more than 9 characters is an empty ValueError.
      if (password.length > 9) throw new GuestException("ValueError", []);
      stop();
      const { sockets } = board;
      sockets.checkTcpRoom();
      const socket = new TcpSocket(sockets.host);
      const id = sockets.add(socket);
      listener = id;
      socket.bind("", port);
      await socket.listen(1); // webrepl's setup_conn listens with a backlog of 1
      void serve(board, socket, password);
      return sockets.host.localIp();
    },
    webreplStop: (): null => (stop(), null),
  } satisfies HostCalls<"modwebrepl">;
}

/** Accepts clients one at a time until the listening socket closes (stop, soft reset). */
async function serve(board: BoardContext, listener: TcpSocket, password: string): Promise<void> {
  for (;;) {
    let conn: TcpSocket;
    try {
      conn = await listener.accept();
    } catch {
      return; // closed
    }
    const id = board.sockets.add(conn); // a soft reset closes it with the board's other sockets
    await new WebReplSession(conn, password, board.serial!, board.flash, board.log, board.profile.port.release, oserrorTexts(board.profile.errno)).run();
    board.sockets.close(id);
  }
}
