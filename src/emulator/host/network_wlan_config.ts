import type { Security } from "../../boards/profile.ts";
import type { WlanConfigKey, WlanConfigTable, WlanInterfaceNeed } from "../../boards/wlan-config.ts";
import { FirmwareError } from "../../network-sim/errors.ts";
import type { SoftApSettings } from "../../network-sim/wifi/soft-ap.ts";
import { GuestException, pyFloat, type HostValue } from "../host-api.ts";
import { float, integer, qstrName, strText } from "./arguments.ts";
import type { BoardContext } from "./context.ts";
import { setHostname } from "./network_hostname.ts";

type Changes = { readonly [key: string]: HostValue };

/**
 * WLAN.config(): one positional key queries it, keywords set them (esp32 network_wlan.c:510-702,
 * esp8266 network_wlan.c:333-504, extmod/network_cyw43.c:383-522), by the port's table
 * (src/boards/wlan-config.ts). Settings the simulation does not model (pm, txpower, protocol,
 * antenna, trace, monitor) are kept and read back.
 */
export function wlanConfig(board: BoardContext, itf: number, args: readonly HostValue[], changes: Changes): HostValue {
  const table = board.profile.wlan.config;
  const keywords = Object.keys(changes).length;
  if (keywords > 0 && args.length > 0) throw new GuestException("TypeError", [table.mixed]);
  if (keywords > 0) return configSet(board, table, itf, changes);
  if (args.length !== 1) throw new GuestException("TypeError", [table.queryOne]);
  return configQuery(board, table, itf, qstrName(args[0]!));
}

function lookUp(table: WlanConfigTable, key: string, direction: "query" | "set"): WlanConfigKey & { need: WlanInterfaceNeed } {
  const entry = Object.hasOwn(table.keys, key) ? table.keys[key] : undefined;
  const need = entry?.[direction];
  if (!entry || !need) throw new FirmwareError("ValueError", "unknown config param");
  return { ...entry, need };
}

/** The ESP ports' require_if (esp32 network_wlan.c:200-205, esp8266's via modesp.c). */
function requireInterface(itf: number, need: WlanInterfaceNeed): void {
  if (need === "sta" && itf !== 0) throw new FirmwareError("OSError", "STA required");
  if (need === "ap" && itf !== 1) throw new FirmwareError("OSError", "AP required");
}

function configQuery(board: BoardContext, table: WlanConfigTable, itf: number, key: string): HostValue {
  const { setting, need } = lookUp(table, key, "query");
  // The ports compute the value, then check the interface ("post-check", esp32 network_wlan.c:695-698)
  const value = queryValue(board, table, itf, setting);
  requireInterface(itf, need);
  return value;
}

function queryValue(board: BoardContext, table: WlanConfigTable, itf: number, setting: WlanConfigKey["setting"]): HostValue {
  const kept = board.networkGlobals.config;
  const ap = board.ap.settings;
  switch (setting) {
    case "mac":
      return kept.get(`mac${itf}`) ?? (itf === 0 ? board.mac : board.ap.mac);
    case "ssid":
      return itf === 0 ? (board.sta.network?.ssid ?? "") : ap.ssid;
    case "channel":
      return itf === 0 ? (board.sta.network?.config.channel ?? 0) : ap.channel;
    case "security":
      return kept.get("security") ?? table.securityCodes[ap.security];
    case "hidden":
      return ap.hidden;
    case "maxClients":
      return ap.maxStations ?? 0;
    case "hostname":
      return board.networkGlobals.hostname;
    case "reconnects":
      return board.sta.reconnects;
    case "txpower": {
      const quarters = Number(kept.get("txpower") ?? table.defaults.txpower ?? 0);
      return table.txpowerFloat ? pyFloat(quarters * 0.25) : Math.trunc(quarters / 4);
    }
    case "ifname": {
      const names = table.defaults.ifname;
      return Array.isArray(names) ? names[itf]! : null;
    }
    default:
      return kept.get(setting) ?? (table.defaults[setting] as HostValue) ?? 0;
  }
}

function configSet(board: BoardContext, table: WlanConfigTable, itf: number, changes: Changes): null {
  const ap: Partial<SoftApSettings> = {};
  const kept = board.networkGlobals.config;
  let need: WlanInterfaceNeed = "any";
  for (const [key, value] of Object.entries(changes)) {
    const entry = lookUp(table, key, "set");
    switch (entry.setting) {
      case "ssid": // at most 32 bytes (esp32/esp8266 `MIN(len, sizeof(cfg.ap.ssid))`, cyw43_wifi_ap_set_ssid's MIN)
        ap.ssid = firstBytes(strText(value), 32);
        break;
      case "password":
        ap.password = strText(value);
        break;
      case "channel":
        ap.channel = integer(value);
        break;
      case "security": {
        const code = integer(value);
        kept.set("security", code);
        ap.security = securityOf(table, code);
        break;
      }
      case "hidden":
        ap.hidden = truthy(value);
        break;
      case "maxClients":
        ap.maxStations = integer(value);
        break;
      case "hostname":
        setHostname(board, value);
        break;
      case "mac":
        kept.set(`mac${itf}`, macAddress(value));
        break;
      case "reconnects":
        board.sta.reconnects = integer(value);
        break;
      case "txpower":
        kept.set("txpower", table.txpowerFloat ? int8(Math.trunc(float(value) * 4)) : integer(value) * 4);
        break;
      default:
        kept.set(entry.setting, integer(value));
    }
    if (entry.need !== "any") need = entry.need;
    if (table.checkSet === "each") requireInterface(itf, entry.need);
  }
  requireInterface(itf, need);
  if (Object.keys(ap).length > 0) board.ap.configure(ap);
  return null;
}

/** config(security=n) on the AP: the port's numbering (scan()'s on the ESP ports, CYW43_AUTH_* on the Pico W); other modes are taken as WPA2. */
function securityOf(table: WlanConfigTable, code: number): Security {
  const kinds = Object.entries(table.securityCodes) as [Security, number][];
  return kinds.find(([, number]) => number === code)?.[0] ?? "wpa2";
}

/** mac=: a buffer of 6 bytes (mp_get_buffer_raise; `invalid buffer length`, esp32 network_wlan.c:514-518). */
function macAddress(value: HostValue): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new GuestException("TypeError", ["object with buffer protocol required"]);
  if (value.length !== 6) throw new FirmwareError("ValueError", "invalid buffer length");
  return Uint8Array.from(value);
}

const int8 = (n: number) => ((n << 24) >> 24);

/** mp_obj_is_true of the values that cross (containers cross by their type's name only: taken as true). */
function truthy(value: HostValue): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length > 0;
  return true;
}

/** The text of the first `max` UTF-8 bytes of `text` (a character cut in two is dropped). */
function firstBytes(text: string, max: number): string {
  const bytes = new TextEncoder().encode(text);
  return bytes.length <= max ? text : new TextDecoder().decode(bytes.subarray(0, max)).replace(/\uFFFD$/, "");
}
