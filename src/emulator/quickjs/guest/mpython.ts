/**
 * The labplus mPython board's own module (labplus-cn/mpython, modules/mpython.py), the parts the
 * chapter uses: the `wifi` helper class (station and AP) and the `oled` screen.
 */
import { print } from "./builtins.ts";
import { callable } from "./callable.ts";
import { OSError, UnicodeError } from "./exceptions.ts";
import { call } from "./host.ts";
import network from "./network.ts";
import { str } from "./repr.ts";
import time from "./time.ts";

type Station = ReturnType<typeof network.WLAN>;

/** Port of mpython.py's `wifi` class: scan, connect, a dot every 500 ms, give up after `timeout` s. */
class wifi {
  readonly sta: Station;
  readonly ap: Station;
  constructor() {
    this.sta = network.WLAN(network.STA_IF);
    this.ap = network.WLAN(network.AP_IF);
  }

  connectWiFi(ssid: string, passwd: string, timeout = 10): void {
    if (this.sta.isconnected()) this.sta.disconnect();
    this.sta.active(true);
    const list = this.sta.scan();
    let wifiDbm: unknown;
    for (let i = 0; i < list.length; i++) {
      const info = list[i]!;
      try {
        if ((info[0] as { decode(): string }).decode() === ssid) {
          this.sta.connect(ssid, passwd);
          wifiDbm = info[3];
          break;
        }
      } catch (e) {
        if (!(e instanceof UnicodeError)) throw e;
        this.sta.connect(ssid, passwd);
        wifiDbm = "?";
        break;
      }
      if (i === list.length - 1) throw new OSError("SSID invalid / failed to scan this wifi");
    }
    const start = time.time();
    print("Connection WiFi", { end: "" });
    while (this.sta.ifconfig()[0] === "0.0.0.0") {
      if (time.ticks_diff(time.time(), start) > timeout) {
        print("");
        throw new OSError("Timeout!,check your wifi password and keep your network unblocked");
      }
      print(".", { end: "" });
      time.sleep_ms(500);
    }
    print("");
    print(`WiFi(${ssid},${str(wifiDbm)}dBm) Connection Successful, Config:${str(this.sta.ifconfig())}`);
  }

  disconnectWiFi(): void {
    if (this.sta.isconnected()) this.sta.disconnect();
    this.sta.active(false);
    print("disconnect WiFi...");
  }

  /** The board becomes an access point: WPA/WPA2 (authmode 4) with a password, else open. */
  enable_APWiFi(essid: string, password = "", channel = 10): void {
    this.ap.active(true);
    const authmode = password ? 4 : 0;
    this.ap.config({ essid, password, authmode, channel });
  }

  disable_APWiFi(): void {
    this.ap.active(false);
    print("disable AP WiFi...");
  }
}

/** The 128×64 OLED: drawing goes to a framebuffer, show() puts it on the screen. */
const oled = {
  fill(color: number): void {
    call("oledFill", color);
  },
  pixel(x: number, y: number, color: number): void {
    call("oledPixel", x, y, color);
  },
  fill_rect(x: number, y: number, w: number, h: number, color: number): void {
    call("oledFillRect", x, y, w, h, color);
  },
  hline(x: number, y: number, w: number, color: number): void {
    call("oledFillRect", x, y, w, 1, color);
  },
  vline(x: number, y: number, h: number, color: number): void {
    call("oledFillRect", x, y, 1, h, color);
  },
  rect(x: number, y: number, w: number, h: number, color: number): void {
    this.hline(x, y, w, color);
    this.hline(x, y + h - 1, w, color);
    this.vline(x, y, h, color);
    this.vline(x + w - 1, y, h, color);
  },
  /** framebuf text: 8×8 cells. */
  text(text: unknown, x: number, y: number, color = 1): void {
    call("oledText", str(text), x, y, color);
  },
  /** labplus's text call: 16-pixel-high lines. */
  DispChar(text: unknown, x: number, y: number): void {
    call("oledDispChar", str(text), x, y);
  },
  show(): void {
    call("oledShow");
  },
};

export default { wifi: callable(wifi), oled };
