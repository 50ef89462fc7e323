import type { FaultType } from "./fault.ts";

/** The MAC of the device that holds the address (locally administered). */
const OTHER_DEVICE_MAC = Uint8Array.of(0x02, 0x0c, 0x0f, 0x11, 0x1c, 0x70);

/**
 * Another device (a phone with a static address) holds `ip`, by default the first address of the
 * pool. Boards whose DHCP client ARP-probes an offer (ESP32, ESP8266) decline it and get another
 * after 10 s; a Pico W (no probe) takes it and is then unreachable: connections to it reach the
 * other device (RST), and answers to its own connections go there too (its connect() times out).
 */
export const ipConflict: FaultType = {
  name: "ip_conflict",
  kind: "wifi",
  summary: "another device holds ip (default: the pool's first address)",
  params: { ip: "ip" },
  create: ({ ip }) => ({
    start: (scope) => {
      const undo = scope.accessPoints().map((ap) =>
        ap.claim(String(ip ?? ap.dhcp.poolStart), {
          name: "other-device",
          mac: OTHER_DEVICE_MAC,
          linkBuffers: { sendBuffer: 0, receiveWindow: 0 },
          acceptTcp: () => false,
          receiveUdp: () => {},
        }),
      );
      return () => undo.forEach((u) => u());
    },
  }),
};
