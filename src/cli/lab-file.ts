import { readFile } from "node:fs/promises";
import path from "node:path";
import { BOARDS } from "../boards/index.ts";
import type { TimingProfileName } from "../boards/profile.ts";
import type { Security } from "../boards/profile.ts";
import { defaultAccessPointConfig, type AccessPointConfig } from "../network-sim/wifi/access-point.ts";
import { isIPv4 } from "../network-sim/address.ts";
import { hostEntryProblem } from "../network-sim/dns.ts";
import { FaultSpecError, parseFault } from "../network-sim/faults/parse.ts";
import { parseSerial, SERIAL_USAGE, type SerialSpec } from "../console/serial-spec.ts";
import { UsageError } from "./exit-codes.ts";
import type { LanBoard } from "../runtime/boot.ts";
import type { Role } from "../runtime/script.ts";

/** One board of a lab: which board, what it runs, its script's settings and its port forwards. */
/** One board of a run or lab: where it is on the LAN, and where its console is (--serial / `serial:`; stdin/stdout when absent). */
export interface LabBoard extends LanBoard {
  serial?: SerialSpec | undefined;
}

export interface LabSpec {
  /** The file's WiFi timing; the command line's when absent. */
  profile?: TimingProfileName;
  accessPoints: AccessPointConfig[];
  boards: LabBoard[];
  /** Fault specs (docs/faults.md), applied from the start. */
  faults: string[];
  /** The router's DNS names: name → IPv4 address. */
  hosts: Record<string, string>;
}

type Fields = Record<string, unknown>;

const TOP_KEYS = ["profile", "access_points", "boards", "faults", "hosts"];
const AP_KEYS = ["ssid", "password", "security", "channel", "rssi", "rssi_by_board"];
const BOARD_KEYS = ["name", "board", "role", "script", "ssid", "password", "host", "port", "forward", "serial", "flash"];
const SECURITIES: Security[] = ["open", "wpa2", "wpa-wpa2"];

/**
 * Reads a lab file (YAML or JSON): several boards on one LAN. Every mistake is one line naming the
 * file and the place in it, as a UsageError (exit 2).
 */
export async function readLabFile(file: string): Promise<LabSpec> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(`cannot read lab file '${file}'`);
  }
  let doc: unknown;
  try {
    // Loaded here: only `boardsim lab` needs it, and start-up time matters.
    doc = (await import("yaml")).parse(text); // JSON is YAML too
  } catch (error) {
    throw new UsageError(`${file}: not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}`);
  }
  const fail = (where: string, message: string): never => {
    throw new UsageError(`${file}: ${where}: ${message}`);
  };
  const top = object(doc, "the file", fail);
  unknownKeys(top, TOP_KEYS, "the file", fail);
  const profile = top.profile;
  if (profile !== undefined && profile !== "realistic" && profile !== "fast") fail("profile", `must be realistic or fast, not ${JSON.stringify(profile)}`);

  const apList = top.access_points === undefined ? [{}] : list(top.access_points, "access_points", fail);
  const accessPoints = apList.map((entry, i) => accessPoint(entry, `access_points[${i}]`, fail));
  const boardList = list(top.boards, "boards", fail);
  if (boardList.length === 0) fail("boards", "give at least one board");
  const baseDir = path.dirname(file);
  const boards = boardList.map((entry, i) => labBoard(entry, `boards[${i}]`, baseDir, fail));
  const names = new Set<string>();
  boards.forEach((b, i) => {
    if (names.has(b.name)) fail(`boards[${i}].name`, `'${b.name}' is used twice; each board needs its own name`);
    names.add(b.name);
  });
  const faultList = top.faults === undefined ? [] : list(top.faults, "faults", fail);
  const faults = faultList.map((spec, i) => {
    if (typeof spec !== "string") fail(`faults[${i}]`, `must be a fault spec like "latency:ms=200", not ${JSON.stringify(spec)}`);
    try {
      parseFault(spec as string);
    } catch (error) {
      if (error instanceof FaultSpecError) fail(`faults[${i}]`, error.message);
      throw error;
    }
    return spec as string;
  });
  const hosts: Record<string, string> = {};
  for (const [name, ip] of Object.entries(top.hosts === undefined ? {} : object(top.hosts, "hosts", fail))) {
    const problem = hostEntryProblem(name, ip);
    if (problem !== null) fail(`hosts.${name}`, problem);
    hosts[name] = String(ip);
  }
  return { profile: profile as TimingProfileName | undefined, accessPoints, boards, faults, hosts };
}

type Fail = (where: string, message: string) => never;

function object(value: unknown, where: string, fail: Fail): Fields {
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(where, "must be a mapping (key: value)");
  return value as Fields;
}

function list(value: unknown, where: string, fail: Fail): unknown[] {
  if (!Array.isArray(value)) fail(where, "must be a list");
  return value as unknown[];
}

function unknownKeys(fields: Fields, known: string[], where: string, fail: Fail): void {
  const unknown = Object.keys(fields).find((key) => !known.includes(key));
  if (unknown !== undefined) fail(where, `unknown key '${unknown}' (known: ${known.join(", ")})`);
}

function text(fields: Fields, key: string, where: string, fail: Fail): string | undefined {
  const value = fields[key];
  if (value !== undefined && typeof value !== "string") fail(`${where}.${key}`, `must be text, not ${JSON.stringify(value)}`);
  return value as string | undefined;
}

function integer(fields: Fields, key: string, where: string, min: number, max: number, fail: Fail): number | undefined {
  const value = fields[key];
  if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)) {
    fail(`${where}.${key}`, `must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return value as number | undefined;
}

function accessPoint(entry: unknown, where: string, fail: Fail): AccessPointConfig {
  const fields = object(entry, where, fail);
  unknownKeys(fields, AP_KEYS, where, fail);
  const security = text(fields, "security", where, fail);
  if (security !== undefined && !SECURITIES.includes(security as Security)) {
    fail(`${where}.security`, `must be one of ${SECURITIES.join(", ")}, not '${security}'`);
  }
  const rssiByBoard = fields.rssi_by_board === undefined ? undefined : object(fields.rssi_by_board, `${where}.rssi_by_board`, fail);
  for (const board of Object.keys(rssiByBoard ?? {})) integer(rssiByBoard!, board, `${where}.rssi_by_board`, -120, 0, fail);
  const overrides: Partial<AccessPointConfig> = {};
  const ssid = text(fields, "ssid", where, fail);
  // IEEE 802.11 carries at most 32 bytes of SSID; the firmware's config(essid=) keeps only those.
  if (ssid !== undefined && Buffer.byteLength(ssid) > 32) fail(`${where}.ssid`, `must be at most 32 bytes (the WiFi limit), not ${Buffer.byteLength(ssid)}`);
  const password = text(fields, "password", where, fail);
  const channel = integer(fields, "channel", where, 1, 14, fail);
  const rssi = integer(fields, "rssi", where, -120, 0, fail);
  if (ssid !== undefined) overrides.ssid = ssid;
  if (password !== undefined) overrides.password = password;
  if (security !== undefined) overrides.security = security as Security;
  if (channel !== undefined) overrides.channel = channel;
  if (rssi !== undefined) overrides.rssi = rssi;
  if (rssiByBoard) overrides.rssiByBoard = rssiByBoard as Record<string, number>;
  return defaultAccessPointConfig(overrides);
}

function labBoard(entry: unknown, where: string, baseDir: string, fail: Fail): LabBoard {
  const fields = object(entry, where, fail);
  unknownKeys(fields, BOARD_KEYS, where, fail);
  const board = text(fields, "board", where, fail) ?? fail(`${where}.board`, "missing: which board (e.g. pico_w)");
  if (!BOARDS[board]) fail(`${where}.board`, `unknown board '${board}' (known: ${Object.keys(BOARDS).join(", ")})`);
  const name = text(fields, "name", where, fail) ?? board;
  const role = text(fields, "role", where, fail);
  const script = text(fields, "script", where, fail);
  if (role !== undefined && role !== "server" && role !== "client") fail(`${where}.role`, `must be server or client, not '${role}'`);
  const serialText = text(fields, "serial", where, fail);
  const serial = serialText === undefined ? undefined : (parseSerial(serialText) ?? fail(`${where}.serial`, `must be ${SERIAL_USAGE}, not '${serialText}'`));
  const flash = text(fields, "flash", where, fail);
  // A console means the board's firmware: its REPL after boot.py/main.py (or after a .py script).
  const console = serial !== undefined;
  if (console && (role !== undefined || (script !== undefined && !/\.py$/i.test(script)))) fail(`${where}.serial`, "the console is the board's REPL: give a .py script or none, not role or a .ts/.js script");
  if (role !== undefined && script !== undefined) fail(where, "give either role (server|client) or script (a .py, .ts or .js file), not both");
  if (role === undefined && script === undefined && !console) fail(where, "give either role (server|client) or script (a .py, .ts or .js file), or serial (the board's REPL)");
  const host = text(fields, "host", where, fail) ?? "192.168.1.2";
  if (!isIPv4(host)) fail(`${where}.host`, `must be an IPv4 address, not '${host}'`);
  const forwards = new Map<number, number>();
  const forwardList = fields.forward === undefined ? [] : list(fields.forward, `${where}.forward`, fail);
  forwardList.forEach((spec, i) => {
    const pair = typeof spec === "string" ? parseForward(spec) : null;
    if (!pair) fail(`${where}.forward[${i}]`, `must be "HOSTPORT:BOARDPORT", e.g. "9000:8000", not ${JSON.stringify(spec)}`);
    forwards.set(pair![1], pair![0]);
  });
  return {
    name,
    board,
    role: role as Role | undefined,
    script: script === undefined ? undefined : path.resolve(baseDir, script),
    ssid: text(fields, "ssid", where, fail) ?? "boardsim-lab",
    password: text(fields, "password", where, fail) ?? "micropython",
    host,
    port: integer(fields, "port", where, 1, 65535, fail),
    forwards,
    console,
    serial,
    // The folder of the board's filesystem, relative to the lab file.
    flash: flash === undefined ? undefined : path.resolve(baseDir, flash),
  };
}

/** "HOSTPORT:BOARDPORT" → [hostPort, boardPort]; null when malformed. HOSTPORT 0: any free PC port (the log says which). */
export function parseForward(spec: string): [number, number] | null {
  const match = /^(\d{1,5}):(\d{1,5})$/.exec(spec);
  if (!match) return null;
  const [hostPort, boardPort] = [Number(match[1]), Number(match[2])];
  return hostPort <= 65535 && boardPort >= 1 && boardPort <= 65535 ? [hostPort, boardPort] : null;
}
