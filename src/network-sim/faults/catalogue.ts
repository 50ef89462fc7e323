import { apOff } from "./ap-off.ts";
import { bandwidth } from "./bandwidth.ts";
import { dhcpNoAnswer } from "./dhcp-no-answer.ts";
import { dhcpPoolExhausted } from "./dhcp-pool-exhausted.ts";
import type { FaultType } from "./fault.ts";
import { flapping } from "./flapping.ts";
import { halfClose } from "./half-close.ts";
import { heapLimit } from "./heap-limit.ts";
import { ipConflict } from "./ip-conflict.ts";
import { latency } from "./latency.ts";
import { limitData } from "./limit-data.ts";
import { refused } from "./refused.ts";
import { reset } from "./reset.ts";
import { resetPeer } from "./reset-peer.ts";
import { slicer } from "./slicer.ts";
import { socketLimit } from "./socket-limit.ts";
import { stall } from "./stall.ts";
import { synTimeout } from "./syn-timeout.ts";
import { unreachable } from "./unreachable.ts";
import { weakSignal } from "./weak-signal.ts";
import { wrongPassword } from "./wrong-password.ts";

/** Every fault boardsim knows, by the name specs use (docs/faults.md). */
export const FAULT_TYPES: readonly FaultType[] = [
  wrongPassword, apOff, weakSignal, flapping, dhcpNoAnswer, dhcpPoolExhausted, ipConflict,
  refused, unreachable, synTimeout, latency, bandwidth, slicer, limitData, resetPeer, halfClose, stall,
  heapLimit, socketLimit, reset,
];
