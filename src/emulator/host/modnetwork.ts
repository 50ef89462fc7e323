import type { IfconfigTuple } from "../../boards/profile.ts";
import { ipToNumber, isIPv4, numberToIp } from "../../network-sim/address.ts";
import { sleep } from "../../network-sim/clock/clock.ts";
import { FirmwareError } from "../../network-sim/errors.ts";
import type { SoftAp } from "../../network-sim/wifi/soft-ap.ts";
import type { Wlan } from "../../network-sim/wifi/wlan.ts";
import { GuestException, type HostValue } from "../host-api.ts";
import { argCount, integer, strBytes, strText } from "./arguments.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { setHostname } from "./network_hostname.ts";
import { wlanConfig } from "./network_wlan_config.ts";

type Changes = { readonly [key: string]: HostValue };

/** MicroPython's network module: WLAN(STA_IF) and WLAN(AP_IF) (extmod/network_cyw43.c, ports/esp32/network_wlan.c). */
export function modnetwork(board: BoardContext) {
  const { profile } = board;
  const wlan = (itf: number): Wlan | SoftAp => (itf === 0 ? board.sta : board.ap);
  return {
    /** WLAN(id): the interface (0 STA, 1 AP) the port's make_new gives for `id`. */
    wlanInterface: (id: HostValue): number => {
      const itf = integer(id);
      if (itf === 0 || itf === 1 || profile.wlan.badInterface === null) return itf === 0 ? 0 : 1;
      throw new FirmwareError("ValueError", profile.wlan.badInterface);
    },
    wlanActive: (itf: number, on: boolean | null): boolean | null => {
      if (on === null) return wlan(itf).active;
      wlan(itf).setActive(on);
      return profile.wlan.activeReturnsState ? on : null;
    },
    wlanConnect: (itf: number, ssid: string, key: string): null => {
      wlan(itf).connect(ssid, key);
      return null;
    },
    wlanDisconnect: (itf: number): null => {
      wlan(itf).disconnect();
      return null;
    },
    wlanStatus: (itf: number, param: string | null): HostValue => {
      if (param === "stations" && itf === 1) return board.ap.stations().map((mac) => [mac]);
      if (param === "rssi" && itf === 0) return board.sta.network?.rssiFor(board.name) ?? 0;
      if (param !== null) throw new FirmwareError("ValueError", "unknown status param");
      return wlan(itf).status();
    },
    wlanIsConnected: (itf: number): boolean => wlan(itf).isConnected(),
    /**
     * repr(WLAN): the ESP ports' type has no print (py/obj.c:131: `<WLAN>`); the Pico W's is
     * extmod/network_cyw43.c:63-90, the interface, its cyw43 link status as a word, its address.
     */
    wlanRepr: (itf: number): string => {
      if (profile.wlan.type !== "CYW43") return `<${profile.wlan.type}>`;
      const status = wlan(itf).status() ?? 0; // the Pico W's status() codes are cyw43's link codes
      const word = status === 0 ? "down" : status === 1 || status === 2 ? "join" : status === 3 ? "up" : status === -2 ? "nonet" : status === -3 ? "badauth" : "fail";
      return `<CYW43 ${itf === 0 ? "STA" : "AP"} ${word} ${wlan(itf).ifconfig()[0]}>`;
    },
    wlanIfconfig: (itf: number, config: readonly string[] | null): HostValue => {
      if (config !== null) wlan(itf).setStatic(ifconfigTuple(config));
      return config === null ? [...wlan(itf).ifconfig()] : null;
    },
    /** ipconfig('addr4' | 'gw4' | 'dhcp4' | 'has_dhcp4' | 'dns'), or ipconfig(addr4=, gw4=, dhcp4=). */
    wlanIpconfig: (itf: number, key: string | null, changes: Changes | null): HostValue =>
      key !== null ? ipconfigQuery(board, wlan(itf), itf, key) : ipconfigSet(board.sta, changes ?? {}),
    /** scan(): blocks for one scan, then the APs this board hears, in its tuple format. */
    wlanScan: async (): Promise<HostValue> => {
      board.sta.scan(); // raises when inactive, before the wait
      await sleep(board.clock, board.sta.timing.scanMs, board.signal);
      return board.sta.scan().map(({ ap, rssi }) => [
        new TextEncoder().encode(ap.ssid),
        ap.config.bssid,
        ap.config.channel,
        rssi,
        profile.wlan.scanSecurity[ap.config.security],
        profile.wlan.scanSixthField,
      ]);
    },
    /** network.hostname([name]) (extmod/modnetwork.c:128-142): the name, or sets the one DHCP sends. */
    networkHostname: (args: readonly HostValue[], keywords = 0): string | null => {
      argCount(args.length, keywords, 0, 1); // MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(..., 0, 1, ...)
      if (args.length === 0) return board.networkGlobals.hostname;
      setHostname(board, args[0]!);
      return null;
    },
    /**
     * network.country([code]) (extmod/modnetwork.c:111-126), rp2.country too (ports/rp2/modrp2.c:94-97).
     * Only kept: cyw43 takes it when the chip starts (network_cyw43.c:137), for channels not simulated.
     */
    networkCountry: (args: readonly HostValue[], keywords = 0): string | null => {
      argCount(args.length, keywords, 0, 1); // MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(..., 0, 1, ...)
      if (args.length === 0) return board.networkGlobals.country;
      const code = strBytes(args[0]!);
      if (code.length !== 2) throw new GuestException("ValueError", []); // mp_raise_ValueError(NULL)
      board.networkGlobals.country = strText(code);
      return null;
    },
    /** config('key') queries one key, config(key=value, ...) sets (network_wlan_config.ts). */
    wlanConfig: (itf: number, args: readonly HostValue[], changes: Changes): HostValue => wlanConfig(board, itf, args, changes),
  } satisfies HostCalls<"modnetwork">;
}


function ipconfigQuery(board: BoardContext, itf: Wlan | SoftAp, index: number, key: string): HostValue {
  const [ip, netmask, gateway, dns] = itf.ifconfig();
  switch (key) {
    case "addr4":
      return [ip, netmask];
    case "gw4":
      return gateway;
    case "dns":
      return dns;
    case "dhcp4":
      return index === 0 && board.sta.usesDhcp;
    case "has_dhcp4":
      return index === 0 && board.sta.usesDhcp && board.sta.ip !== null;
  }
  throw new FirmwareError("ValueError", "unexpected key");
}

/** ipconfig(addr4='ip/len' or (ip, mask), gw4=ip, dhcp4=bool) on the station interface. */
function ipconfigSet(sta: Wlan, changes: Changes): null {
  let [ip, netmask, gateway, dns] = sta.ifconfig();
  for (const [key, value] of Object.entries(changes)) {
    if (key === "dhcp4") {
      if (value) sta.setStatic(null);
    } else if (key === "addr4" && typeof value === "string") {
      const [address, prefix] = value.split("/");
      ip = address!;
      if (prefix !== undefined) netmask = numberToIp(Number(prefix) === 0 ? 0 : (0xffffffff << (32 - Number(prefix))) >>> 0);
    } else if (key === "addr4" && Array.isArray(value)) {
      [ip, netmask] = value as [string, string];
    } else if (key === "gw4" && typeof value === "string") {
      gateway = value;
    } else throw new FirmwareError("ValueError", "unexpected key");
  }
  if (Object.keys(changes).some((key) => key !== "dhcp4")) {
    ipToNumber(netmask); // a malformed prefix or mask fails here
    sta.setStatic(ifconfigTuple([ip, netmask, gateway, dns]));
  }
  return null;
}

/** ifconfig()'s 4-tuple argument, checked like the firmware's. */
function ifconfigTuple(config: readonly string[]): IfconfigTuple {
  if (config.length !== 4 || !config.every((part) => typeof part === "string" && isIPv4(part))) {
    throw new FirmwareError("ValueError", "invalid arguments");
  }
  return [config[0]!, config[1]!, config[2]!, config[3]!];
}
