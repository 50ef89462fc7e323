/** MicroPython's network module: WLAN interfaces backed by the simulated WiFi. */
import { bytes } from "./bytes.ts";
import { callable } from "./callable.ts";
import { tuple } from "./exceptions.ts";
import { boardInfo, call } from "./host.ts";

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
  status(param?: string): unknown {
    return call("wlanStatus", this.itf, param ?? null);
  }
  isconnected(): boolean {
    return call("wlanIsConnected", this.itf);
  }
  /** Blocks for the scan's time: (ssid, bssid, channel, RSSI, security, hidden) per network, as this board words them. */
  scan(): unknown[][] {
    return call<unknown[][]>("wlanScan", this.itf).map(([ssid, bssid, ...rest]) =>
      tuple(new bytes(ssid as ArrayBuffer), new bytes(bssid as ArrayBuffer), ...rest),
    );
  }
  ifconfig(): string[] {
    return tuple(...call<string[]>("wlanIfconfig", this.itf));
  }
}

export default {
  ...boardInfo.network,
  STA_IF,
  AP_IF,
  WLAN: callable(WLAN),
};
