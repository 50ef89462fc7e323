import type { FaultType } from "./fault.ts";

/** The reset button at `at`: the script stops where it is, the board reboots (banner) and runs it again. */
export const reset: FaultType = {
  name: "reset",
  kind: "board",
  summary: "press the reset button (at the fault's time): the board reboots and runs its script again",
  params: {},
  create: () => ({
    start: (scope) => scope.boards().forEach((board) => board.reset()),
  }),
};
