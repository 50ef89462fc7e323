import { parseDuration } from "../../duration.ts";
import { isIPv4 } from "../address.ts";
import { FAULT_TYPES } from "./catalogue.ts";
import type { Direction, FaultParams, FaultType, ParamKind } from "./fault.ts";
import type { FaultTargets, PlacedFault } from "./faults.ts";

/** A fault spec that cannot be used; the message is one line naming the spec and what is wrong. */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultSpecError";
  }
}

/** The parameters every fault takes, beside its own. */
const COMMON: Record<string, ParamKind> = {
  at: "duration",
  for: "duration",
  board: "text",
  port: "count",
  peer: "ip",
  ssid: "text",
  direction: "text",
  probability: "probability",
};

const HOW: Record<ParamKind, string> = {
  duration: "a duration like 250ms, 2s, 1.5m or 1h, up to a year",
  milliseconds: "milliseconds, or a duration like 250ms or 2s",
  bytes: "a byte count like 1024, 4k or 1M, up to 1024M",
  count: "a whole number from 1 up",
  rssi: "a signal level in dBm from -120 to 0",
  ip: "an IPv4 address",
  text: "some text",
  probability: "a probability from 0 to 1",
};

/** Bounds that keep every time and size a plain number (digits alone could make Infinity). */
const MAX_DURATION_MS = 365 * 24 * 3_600_000;
const MAX_BYTES = 1024 * 1024 * 1024;

const withinAYear = (ms: number | null): number | null => (ms !== null && ms <= MAX_DURATION_MS ? ms : null);
const SIZES: Record<string, number> = { "": 1, k: 1024, M: 1024 * 1024 };

/** One parameter's value, or null when it is not of its kind. */
function value(kind: ParamKind, text: string): number | string | null {
  switch (kind) {
    case "duration":
      return withinAYear(parseDuration(text));
    case "milliseconds": // a key named after its unit (latency's ms=300): a bare number counts in it
      return withinAYear(/^\d+(\.\d+)?$/.test(text) ? Number(text) : parseDuration(text));
    case "bytes": {
      const m = /^(\d+)(k|M)?$/.exec(text);
      const bytes = m ? Number(m[1]) * SIZES[m[2] ?? ""]! : NaN;
      return bytes <= MAX_BYTES ? bytes : null;
    }
    case "count":
      return /^[1-9]\d{0,8}$/.test(text) ? Number(text) : null;
    case "rssi":
      return /^-?\d+$/.test(text) && Number(text) >= -120 && Number(text) <= 0 ? Number(text) : null;
    case "ip":
      return isIPv4(text) ? text : null;
    case "probability":
      return /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(text) ? Number(text) : null;
    case "text":
      return text.length > 0 ? text : null;
  }
}

/**
 * Parses one fault spec: `NAME[:KEY=VALUE[,KEY=VALUE...]]`, e.g. `latency:ms=200,jitter=50ms,direction=downstream`
 * or `ap_off:at=30s,for=10s`. See docs/faults.md.
 */
export function parseFault(spec: string): PlacedFault {
  const fail = (message: string): never => {
    throw new FaultSpecError(`fault '${spec}': ${message}`);
  };
  const colon = spec.indexOf(":");
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const type = FAULT_TYPES.find((t) => t.name === name) ?? fail(`unknown fault '${name}' (known: ${FAULT_TYPES.map((t) => t.name).join(", ")})`);
  const given: Record<string, string> = {};
  for (const pair of colon < 0 ? [] : spec.slice(colon + 1).split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) fail(`give parameters as key=value, not '${pair}'`);
    const key = pair.slice(0, eq).trim();
    if (key in given) fail(`${key} is given twice`);
    given[key] = pair.slice(eq + 1).trim();
  }
  const own: FaultParams = {};
  const common: FaultParams = {};
  for (const [key, text] of Object.entries(given)) {
    const kind = type.params[key] ?? COMMON[key];
    if (!kind) fail(`unknown parameter '${key}' (${paramList(type)})`);
    const parsed = value(kind!, text) ?? fail(`${key} must be ${HOW[kind!]}, not '${text}'`);
    (key in type.params ? own : common)[key] = parsed;
  }
  for (const key of type.required ?? []) if (!(key in own)) fail(`give ${key}=… (${HOW[type.params[key]!]})`);
  const problem = type.check?.(own);
  if (problem) fail(problem);
  return { text: spec, fault: type.create(own), targets: targets(type, common, fail) };
}

function targets(type: FaultType, common: FaultParams, fail: (message: string) => never): FaultTargets {
  const direction = common.direction;
  if (direction !== undefined && !["upstream", "downstream", "both"].includes(String(direction))) {
    fail(`direction must be upstream, downstream or both, not '${direction}'`);
  }
  const directions: Direction[] =
    direction === undefined ? [...(type.defaultDirections ?? ["upstream", "downstream"])] : direction === "both" ? ["upstream", "downstream"] : [direction as Direction];
  const t: FaultTargets = {
    at: Number(common.at ?? 0),
    for: common.for === undefined ? null : Number(common.for),
    directions,
    probability: Number(common.probability ?? 1),
  };
  if (common.board !== undefined) t.board = String(common.board);
  if (common.port !== undefined) t.port = Number(common.port);
  if (common.peer !== undefined) t.peer = String(common.peer);
  if (common.ssid !== undefined) t.ssid = String(common.ssid);
  return t;
}

function paramList(type: FaultType): string {
  const own = Object.keys(type.params);
  return `${type.name} takes ${own.length > 0 ? own.join(", ") + "; " : ""}every fault takes ${Object.keys(COMMON).join(", ")}`;
}
