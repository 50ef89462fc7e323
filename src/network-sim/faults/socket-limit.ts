import type { FaultType } from "./fault.ts";

/** The board can open only `count` TCP sockets: the next socket() raises the board's errno (ENOMEM, ESP32 ENFILE). */
export const socketLimit: FaultType = {
  name: "socket_limit",
  kind: "board",
  summary: "at most count TCP sockets (from the next boot): socket() raises the board's errno beyond",
  params: { count: "count" },
  required: ["count"],
  create: ({ count }) => ({
    start: (scope) =>
      void scope.onBoardSetup((setup) => {
        setup.profile = { ...setup.profile, socket: { ...setup.profile.socket, maxSockets: Number(count) } };
      }),
  }),
};
