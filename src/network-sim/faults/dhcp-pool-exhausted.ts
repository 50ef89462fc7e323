import type { FaultType } from "./fault.ts";

/**
 * Other devices hold every free address of the DHCP pool: a board that has no lease yet gets no
 * offer (a board that had one keeps it), and retries with its backoff.
 */
export const dhcpPoolExhausted: FaultType = {
  name: "dhcp_pool_exhausted",
  kind: "wifi",
  summary: "other devices hold every free address of the DHCP pool",
  params: {},
  create: () => ({
    start: (scope) => {
      const taken: (() => void)[] = [];
      for (const ap of scope.accessPoints()) {
        for (let n = 0; ; n++) {
          const mac = `02:00:00:00:${[n >> 8, n & 255].map((b) => b.toString(16).padStart(2, "0")).join(":")}`;
          if (!ap.dhcp.lease(mac, `phone-${n}`)) break;
          taken.push(() => ap.dhcp.release(mac));
        }
      }
      return () => taken.forEach((release) => release());
    },
  }),
};
