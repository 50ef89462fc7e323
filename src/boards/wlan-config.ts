/**
 * WLAN.config() as each port's C function reads its keys (v1.23.0): the setting a key reads and
 * writes, whether the port can query it and set it, and on which interface (the ESP ports'
 * require_if: `OSError: STA required` / `AP required`; cyw43's calls ignore the interface).
 * A key a table lacks, or lacks the direction of, is `ValueError: unknown config param`.
 */
export type WlanSetting =
  | "ssid"
  | "password"
  | "channel"
  | "security"
  | "hidden"
  | "maxClients"
  | "mac"
  | "hostname"
  | "reconnects"
  | "pm"
  | "txpower"
  | "protocol"
  | "antenna"
  | "ifname"
  | "monitor"
  | "trace";

/** The interface a key needs; "any": either. */
export type WlanInterfaceNeed = "sta" | "ap" | "any";

export interface WlanConfigKey {
  setting: WlanSetting;
  query?: WlanInterfaceNeed;
  set?: WlanInterfaceNeed;
}

export interface WlanConfigTable {
  keys: Readonly<Record<string, WlanConfigKey>>;
  /** When setting checks the interface: after each key (esp32 network_wlan.c:606-609), once after all (esp8266 426-430). */
  checkSet: "each" | "end";
  /** The TypeError texts: a query of other than one key; keys beside positional arguments. */
  queryOne: string;
  mixed: string;
  /** txpower is an int of dBm (cyw43, mp_obj_get_int) or a float, kept in 0.25 dBm steps (ESP: `power * 4`, read back `* 0.25`). */
  txpowerFloat: boolean;
  /** The AP's security (profile.ts Security) as `security`/`authmode` number it: the ESP ports' authmode (as scan() does), cyw43's CYW43_AUTH_*. */
  securityCodes: Readonly<Record<string, number>>;
  /** What a query reads before a script set it (radio settings the simulation only keeps; txpower in 0.25 dBm). UNVERIFIED where marked. */
  defaults: Readonly<Partial<Record<WlanSetting, number | string | [sta: string, ap: string]>>>;
}

/** ESP-IDF's and the ESP8266 SDK's AUTH_OPEN, AUTH_WPA2_PSK, AUTH_WPA_WPA2_PSK: config('authmode') and scan() alike. */
export const ESP_SECURITY_CODES = { open: 0, wpa2: 3, "wpa-wpa2": 4 } as const;
const ESP_SSID = { setting: "ssid", query: "any", set: "ap" } as const;
const ESP_PASSWORD = { setting: "password", set: "ap" } as const;
const ESP_SECURITY = { setting: "security", query: "ap", set: "ap" } as const;
const ESP_HOSTNAME = { setting: "hostname", query: "sta", set: "any" } as const;
/** The keys both ESP ports read alike. */
const ESP_KEYS: Record<string, WlanConfigKey> = {
  mac: { setting: "mac", query: "any", set: "any" },
  ssid: ESP_SSID,
  essid: ESP_SSID,
  hidden: { setting: "hidden", query: "ap", set: "ap" },
  security: ESP_SECURITY,
  authmode: ESP_SECURITY,
  key: ESP_PASSWORD,
  password: ESP_PASSWORD,
  hostname: ESP_HOSTNAME,
  dhcp_hostname: ESP_HOSTNAME,
};

/** ports/esp32/network_wlan.c:510-702. */
export const ESP32_WLAN_CONFIG: WlanConfigTable = {
  keys: {
    ...ESP_KEYS,
    channel: { setting: "channel", query: "any", set: "any" },
    ifname: { setting: "ifname", query: "any" },
    // queried on either interface (no require_if at 679-681): the AP's number is what it reads
    max_clients: { setting: "maxClients", query: "any", set: "ap" },
    reconnects: { setting: "reconnects", query: "sta", set: "sta" },
    txpower: { setting: "txpower", query: "any", set: "any" },
    protocol: { setting: "protocol", query: "any", set: "any" },
    pm: { setting: "pm", query: "any", set: "any" },
  },
  checkSet: "each",
  queryOne: "can query only one param",
  mixed: "either pos or kw args are allowed",
  txpowerFloat: true,
  securityCodes: ESP_SECURITY_CODES,
  defaults: {
    // ESP-IDF's: WIFI_PS_MIN_MODEM (the port never sets it), 802.11b/g/n, 20 dBm (UNVERIFIED)
    pm: 1,
    protocol: 7,
    txpower: 80,
    // lwIP's netif names, in the order ESP-IDF adds them (UNVERIFIED)
    ifname: ["st1", "ap2"],
  },
};

/** ports/esp8266/network_wlan.c:333-504: no max_clients, reconnects or ifname; txpower set only. */
export const ESP8266_WLAN_CONFIG: WlanConfigTable = {
  keys: {
    ...ESP_KEYS,
    channel: { setting: "channel", query: "ap", set: "ap" },
    protocol: { setting: "protocol", query: "any", set: "any" },
    txpower: { setting: "txpower", set: "any" },
    pm: { setting: "pm", query: "any", set: "any" },
  },
  checkSet: "end",
  queryOne: "can query only one param",
  mixed: "either pos or kw args are allowed",
  txpowerFloat: true,
  securityCodes: ESP_SECURITY_CODES,
  // the SDK's PHY_MODE_11N and MODEM_SLEEP_T (UNVERIFIED)
  defaults: { protocol: 3, pm: 2 },
};

const CYW43_ANY = (setting: WlanSetting): WlanConfigKey => ({ setting, query: "any", set: "any" });

/** extmod/network_cyw43.c:383-522: no authmode, hidden or max_clients; password, monitor and trace set only. */
export const CYW43_WLAN_CONFIG: WlanConfigTable = {
  keys: {
    antenna: CYW43_ANY("antenna"),
    channel: CYW43_ANY("channel"),
    ssid: CYW43_ANY("ssid"),
    essid: CYW43_ANY("ssid"),
    security: CYW43_ANY("security"),
    mac: { setting: "mac", query: "any" },
    pm: CYW43_ANY("pm"),
    txpower: CYW43_ANY("txpower"),
    hostname: CYW43_ANY("hostname"),
    monitor: { setting: "monitor", set: "any" },
    key: { setting: "password", set: "any" },
    password: { setting: "password", set: "any" },
    trace: { setting: "trace", set: "any" },
  },
  checkSet: "each",
  queryOne: "must query one param",
  mixed: "can't specify pos and kw args",
  txpowerFloat: false,
  // CYW43_AUTH_OPEN, _WPA2_AES_PSK (the AP's at boot: ports/rp2/main.c:144), _WPA2_MIXED_PSK (SEC_WPA_WPA2)
  securityCodes: { open: 0, wpa2: 0x00400004, "wpa-wpa2": 0x00400006 },
  // the driver's CYW43_DEFAULT_PM (PM_PERFORMANCE, network_cyw43.c:52) and antenna 0; 31 dBm UNVERIFIED
  defaults: { pm: 0xa11142, antenna: 0, txpower: 124 },
};
