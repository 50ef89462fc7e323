import type { FaultType } from "./fault.ts";

/** A flapping signal: every `every`, the AP drops out for `down`, then comes back. */
export const flapping: FaultType = {
  name: "flapping",
  kind: "wifi",
  summary: "every `every`, the AP is gone for `down`",
  params: { every: "duration", down: "duration" },
  check: ({ every = 30_000, down = 5_000 }) =>
    Number(down) > 0 && Number(down) < Number(every) ? undefined : "down must be more than 0 and less than every",
  create: ({ every = 30_000, down = 5_000 }) => ({
    start: (scope) => {
      const aps = scope.accessPoints();
      let cancel = () => {};
      const cycle = () => {
        for (const ap of aps) scope.lan.removeAccessPoint(ap);
        cancel = scope.clock.setTimer(Number(down), () => {
          for (const ap of aps) scope.lan.restoreAccessPoint(ap);
          cancel = scope.clock.setTimer(Number(every) - Number(down), cycle);
        });
      };
      cancel = scope.clock.setTimer(Number(every) - Number(down), cycle);
      return () => {
        cancel();
        for (const ap of aps) scope.lan.restoreAccessPoint(ap);
      };
    },
  }),
};
