import { BOARDS } from "../boards/index.ts";
import { LINUX_ERRNO } from "../boards/errno.ts";
import type { BoardProfile } from "../boards/profile.ts";

const COLUMNS: [heading: string, value: (p: BoardProfile) => string][] = [
  ["board", (p) => p.id],
  ["firmware", (p) => p.banner.replace(/^MicroPython /, "")],
  ["hostname", (p) => p.hostname],
  ["MAC OUI", (p) => p.macOui.map((b) => b.toString(16).padStart(2, "0")).join(":")],
  ["status idle/connecting/got IP/bad key/no AP", (p) => {
    const s = p.wlan.status;
    return [s.idle, s.connecting, s.got_ip, s.wrong_password, s.no_ap_found].join("/");
  }],
  ["errno", (p) => (p.errno === LINUX_ERRNO ? "Linux" : "newlib")],
  ["SOL_SOCKET", (p) => String(p.socket.constants.SOL_SOCKET)],
  ["send()", (p) => (p.socket.partialSend ? `short, ≤${p.socket.sendBuffer} B` : "all")],
  ["heap", (p) => `${Math.round(p.heapBytes / 1024)} KB`],
  ["sockets", (p) => String(p.socket.maxSockets)],
  ["display", (p) => (p.display ? `${p.display.width}×${p.display.height} OLED` : "-")],
];

/** `boardsim boards`: one row per board with the profile values that differ most. */
export function boardsTable(): string {
  const rows = [COLUMNS.map(([heading]) => heading), ...Object.values(BOARDS).map((p) => COLUMNS.map(([, value]) => value(p)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n") + "\n";
}
