/**
 * boardsim/testing: unit tests for board scripts against simulated failures, in simulated time
 * (docs/testing.md). Importing it also adds the vitest matchers toHavePrinted and toShowOnOled.
 */
import "./matchers.ts";

export { Lab, LabBoard, type BoardSpec, type LabOptions, type Within } from "./lab.ts";
export { tenMinuteScenario, type ScenarioResult } from "./scenario.ts";
export { PcConnection, PcServer } from "../network-sim/pc/pc-peers.ts";
export { parseFault, FaultSpecError } from "../network-sim/faults/parse.ts";
export { FAULT_TYPES } from "../network-sim/faults/catalogue.ts";
export type { Fault, FaultScope, FaultType } from "../network-sim/faults/fault.ts";
export type { RunOutcome } from "../emulator/host-api.ts";
