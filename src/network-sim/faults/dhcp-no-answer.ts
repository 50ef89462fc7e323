import type { FaultType } from "./fault.ts";

/**
 * The DHCP server does not answer: boards associate but get no address (Pico W status 2, ESP32
 * 1001), retrying with their DISCOVER backoff until it answers again.
 */
export const dhcpNoAnswer: FaultType = {
  name: "dhcp_no_answer",
  kind: "wifi",
  summary: "the DHCP server does not answer",
  params: {},
  create: () => ({
    start: (scope) => {
      const aps = scope.accessPoints();
      for (const ap of aps) ap.dhcp.answering = false;
      return () => aps.forEach((ap) => (ap.dhcp.answering = true));
    },
  }),
};
