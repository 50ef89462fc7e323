/** MicroPython's network module: WLAN interfaces backed by the simulated WiFi. */
import { bytes } from "./bytes.ts";
import { callable } from "./callable.ts";
import { tuple } from "./exceptions.ts";
import { boardInfo, call } from "./host.ts";

type Settings = Record<string, unknown>;
type IfconfigTuple = [ip: string, netmask: string, gateway: string, dns: string];
type ScanEntry = [ssid: bytes, bssid: bytes, channel: number, rssi: number, security: number, hidden: boolean | number];

/** Python's keyword arguments arrive as one trailing plain object: `config({ essid: "x" })`. */
function isKeywords(value: unknown): value is Settings {
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}

/** Host values back as Python values: lists of values as tuples, binary data as bytes. */
function pythonValue(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return new bytes(value);
  if (Array.isArray(value)) return tuple(...value.map(pythonValue));
  if (typeof value === "object" && value !== null && "__f" in value) return value.__f; // host-api.ts pyFloat
  return value;
}

const STA_IF = 0;
const AP_IF = 1;

class WLAN {
  static IF_STA = STA_IF;
  static IF_AP = AP_IF;
  constructor(private readonly itf: number = STA_IF) {}

  /** active() → bool; active(x) → None, or the new state on ESP32. */
  active(on?: boolean): boolean | null {
    return call("wlanActive", this.itf, on === undefined ? null : Boolean(on));
  }
  connect(ssid: string, key: string = ""): void {
    call("wlanConnect", this.itf, String(ssid), String(key ?? ""));
  }
  disconnect(): void {
    call("wlanDisconnect", this.itf);
  }
  status(param: "stations"): [bytes][];
  status(param: "rssi"): number;
  status(param?: string): number;
  status(param?: string): unknown {
    const value = call<unknown>("wlanStatus", this.itf, param ?? null);
    return param === "stations" ? (value as unknown[]).map(pythonValue) : value;
  }
  isconnected(): boolean {
    return call("wlanIsConnected", this.itf);
  }
  /** ifconfig() → (ip, mask, gw, dns); ifconfig((ip, mask, gw, dns)) sets a static address. */
  ifconfig(): IfconfigTuple;
  ifconfig(config: string[]): null;
  ifconfig(config?: string[]): IfconfigTuple | null {
    if (config !== undefined) return call("wlanIfconfig", this.itf, Array.from(config, String));
    return tuple(...call<string[]>("wlanIfconfig", this.itf, null)) as IfconfigTuple;
  }
  /** ipconfig('addr4') queries one key; ipconfig({ addr4: "192.168.1.50/24", gw4: "192.168.1.1" }) sets. */
  ipconfig(key: string): unknown;
  ipconfig(settings: Settings): null;
  ipconfig(keyOrSettings: string | Settings): unknown {
    if (isKeywords(keyOrSettings)) return call("wlanIpconfig", this.itf, null, keyOrSettings);
    if (typeof keyOrSettings !== "string") throw new TypeError("must query one param");
    return pythonValue(call("wlanIpconfig", this.itf, keyOrSettings, null));
  }
  /** config('essid') queries one key; config({ essid: "x", password: "y" }) sets. */
  config(key: string): unknown;
  config(settings: Settings): null;
  config(keyOrSettings: string | Settings): unknown {
    if (isKeywords(keyOrSettings)) return call("wlanConfig", this.itf, [], keyOrSettings);
    return pythonValue(call("wlanConfig", this.itf, [keyOrSettings], {}));
  }
  /** Blocks for the scan's time: [(ssid, bssid, channel, RSSI, security, hidden-or-count), ...] in the board's own format. */
  scan(): ScanEntry[] {
    return call<unknown[]>("wlanScan").map((entry) => pythonValue(entry) as ScanEntry);
  }
}

if (!boardInfo.networkIpconfigMethod) delete (WLAN.prototype as Partial<WLAN>).ipconfig; // not in the ESP ports' WLAN table

/**
 * network.hostname([name]), country([code]) and ipconfig('dns') where the port's table has them:
 * the host's calls, as the .py boards' (extmod/modnetwork.c v1.23.0 lines 111-158).
 */
const hostFunctions = {
  hostname: (...name: string[]): string | null => call("networkHostname", name),
  country: (...code: string[]): string | null => call("networkCountry", code),
  /** network.ipconfig('dns'): the station's DNS server. */
  ipconfig: (key: "dns"): string => call("wlanIpconfig", STA_IF, key, null),
};

export default {
  ...boardInfo.network,
  STA_IF,
  AP_IF,
  WLAN: callable(WLAN),
  ...Object.fromEntries(Object.entries(hostFunctions).filter(([name]) => boardInfo.networkFunctions.includes(name))),
};
