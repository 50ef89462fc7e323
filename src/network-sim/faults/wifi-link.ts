import type { LinkTiming } from "../../boards/profile.ts";
import type { Pipe } from "../tcp/pipe.ts";
import { bandwidthPipe } from "./bandwidth.ts";
import type { Fault } from "./fault.ts";
import { latencyPipe } from "./latency.ts";

/**
 * A board's WiFi hop in the realistic timing profile (its profile's `wlan.timing.realistic.link`):
 * every TCP segment (at most the MSS) the board sends or receives is serialised at the hop's rate,
 * then takes half its round trip; connect() takes one round trip. The runner places one per board
 * (board=NAME), so a connection between two boards crosses both hops. Not in the catalogue: the
 * timing profile adds it.
 */
export function wifiLink(link: LinkTiming): Fault {
  const always = () => true;
  return {
    start: (scope) => {
      scope.delayConnect(link.rttMs);
      scope.onConnection((c) => {
        for (const d of scope.directions) {
          c.wrap(d, (next) => segments(bandwidthPipe(latencyPipe(next, scope.clock, () => link.rttMs / 2, always), scope.clock, link.bytesPerSecond, always), link.mss));
        }
      });
    },
  };
}

/** Cuts data into segments of at most `mss` bytes, as TCP puts it on the air. */
function segments(next: Pipe, mss: number): Pipe {
  return {
    data: (chunk) => {
      for (let at = 0; at < chunk.length; at += mss) next.data(chunk.subarray(at, at + mss));
    },
    fin: () => next.fin(),
    rst: () => next.rst(),
  };
}
