import type { FaultType } from "./fault.ts";

/** The board boots with only `bytes` of heap for the script: allocating beyond raises MemoryError. */
export const heapLimit: FaultType = {
  name: "heap_limit",
  kind: "board",
  summary: "the script has bytes of heap (from the next boot): MemoryError beyond",
  params: { bytes: "bytes" },
  required: ["bytes"],
  create: ({ bytes }) => ({
    start: (scope) => void scope.onBoardSetup((setup) => (setup.heapBytes = Number(bytes))),
  }),
};
