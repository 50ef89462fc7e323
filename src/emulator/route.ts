import type { Route } from "../network-sim/socket-host.ts";
import type { SoftAp } from "../network-sim/wifi/soft-ap.ts";
import type { Wlan } from "../network-sim/wifi/wlan.ts";

/** The network a packet for `ip` leaves on: the one whose subnet holds it, else the station's gateway. */
export function route(ap: SoftAp, sta: Wlan, ip: string): Route | null {
  for (const itf of [ap, sta]) {
    if (itf.network && itf.ip && itf.network.contains(ip)) return { net: itf.network, localIp: itf.ip };
  }
  return sta.network && sta.ip ? { net: sta.network, localIp: sta.ip } : null;
}
