import type { Pipe } from "../tcp/pipe.ts";
import type { FaultType } from "./fault.ts";

/**
 * Toxiproxy's limit_data: once `bytes` have gone through (in the fault's direction), the
 * connection is closed: both ends get FIN after what came before (the script reads b''), later data is dropped.
 */
export const limitData: FaultType = {
  name: "limit_data",
  kind: "tcp",
  summary: "close the connection (FIN both ways) after bytes",
  params: { bytes: "bytes" },
  create: ({ bytes = 0 }) => ({
    start: (scope) => {
      scope.onConnection((c) => {
        const nexts: Pipe[] = [];
        let closed = false;
        const close = () => {
          if (closed) return;
          closed = true;
          for (const next of nexts) next.fin();
        };
        for (const d of ["upstream", "downstream"] as const) {
          const counted = scope.directions.includes(d);
          let passed = 0;
          c.wrap(d, (next) => {
            nexts.push(next);
            return {
              data: (chunk) => {
                if (closed) return;
                if (!counted || !scope.active) return next.data(chunk);
                const allowed = Math.min(chunk.length, Number(bytes) - passed);
                passed += allowed;
                if (allowed > 0) next.data(chunk.subarray(0, allowed));
                if (passed >= Number(bytes)) close();
              },
              fin: () => closed || next.fin(),
              rst: () => closed || next.rst(),
            };
          });
        }
      });
    },
  }),
};
