import type { FaultType } from "./fault.ts";

/**
 * The boards (or the one board=) receive the AP at `rssi` dBm: scan() and status('rssi') show it,
 * and below -90 dBm a board cannot hear the AP, so joining fails as for a missing one.
 */
export const weakSignal: FaultType = {
  name: "weak_signal",
  kind: "wifi",
  summary: "the boards receive the AP at rssi dBm (below -90: out of range)",
  params: { rssi: "rssi" },
  create: ({ rssi = -85 }) => ({
    start: (scope) => {
      const restore = scope.accessPoints().map((ap) => {
        const { rssi: before, rssiByBoard } = ap.config;
        if (scope.board) ap.config.rssiByBoard = { ...rssiByBoard, [scope.board]: Number(rssi) };
        else ap.config.rssi = Number(rssi);
        return () => Object.assign(ap.config, { rssi: before, rssiByBoard });
      });
      return () => restore.forEach((undo) => undo());
    },
  }),
};
