import type { FaultType } from "./fault.ts";

/**
 * The access point is off the air: absent from the start (at=0), or gone at `at` (its stations lose
 * the link, as after a beacon timeout); back after `for`, when given.
 */
export const apOff: FaultType = {
  name: "ap_off",
  kind: "wifi",
  summary: "the AP is off the air (from at; back after for)",
  params: {},
  create: () => ({
    start: (scope) => {
      const aps = scope.accessPoints();
      for (const ap of aps) scope.lan.removeAccessPoint(ap);
      return () => aps.forEach((ap) => scope.lan.restoreAccessPoint(ap));
    },
  }),
};
