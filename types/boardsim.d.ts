/**
 * Types of the guest API that boardsim scripts run against (docs: README, "Writing your own script").
 * Names mirror MicroPython; Python tuples are arrays, keyword arguments an options object.
 * Reference this file from a script's tsconfig ("types") or with a triple-slash directive.
 */

/** A Python bytes value: prints as b'...'. */
declare class bytes extends Uint8Array {
  /** UTF-8 text; raises UnicodeError for invalid UTF-8. */
  decode(): string;
}

interface String {
  /** Python's str.encode(): the UTF-8 bytes. */
  encode(): bytes;
}

/** Prints like MicroPython: None/True/False, b'...', tuples as (a, b). */
declare function print(...args: unknown[]): void;
declare function print(...argsThenOptions: [...unknown[], { sep?: string; end?: string }]): void;
declare function len(value: string | ArrayLike<unknown> | object): number;
declare function str(value: unknown): string;
declare function repr(value: unknown): string;
declare function tuple<T>(...items: T[]): T[];

declare class BaseException extends Error {
  constructor(...args: unknown[]);
  readonly args: unknown[];
}
declare class Exception extends BaseException {}
declare class KeyboardInterrupt extends BaseException {}
declare class SystemExit extends BaseException {}
declare class ArithmeticError extends Exception {}
declare class ZeroDivisionError extends ArithmeticError {}
declare class AssertionError extends Exception {}
declare class AttributeError extends Exception {}
declare class ImportError extends Exception {}
declare class LookupError extends Exception {}
declare class IndexError extends LookupError {}
declare class KeyError extends LookupError {}
declare class MemoryError extends Exception {}
declare class NameError extends Exception {}
declare class RuntimeError extends Exception {}
declare class NotImplementedError extends RuntimeError {}
declare class StopIteration extends Exception {}
declare class ValueError extends Exception {}
declare class UnicodeError extends ValueError {}
declare class OSError extends Exception {
  /** The board's errno number, or null when raised with a message. */
  readonly errno: number | null;
}

declare module "network" {
  type IfconfigTuple = [ip: string, netmask: string, gateway: string, dns: string];
  interface WLAN {
    /** active() → current state; active(x) → None, or the new state on ESP32. */
    active(on?: boolean): boolean | null;
    connect(ssid: string, key?: string): void;
    disconnect(): void;
    /** The AP interface: the stations joined, [[mac]]. */
    status(param: "stations"): [bytes][];
    /** Signal strength of the AP the station is on, dBm. */
    status(param: "rssi"): number;
    /** The board's status code (network.STAT_*). */
    status(param?: string): number;
    isconnected(): boolean;
    ifconfig(): IfconfigTuple;
    /** Sets a static address: no DHCP from now on. */
    ifconfig(config: IfconfigTuple): null;
    /** Pico W only (the ESP boards' WLAN has none). */
    ipconfig?: {
      /** ipconfig("addr4") → [ip, mask]; "gw4" → ip; "dhcp4" → bool. */
      (key: string): unknown;
      /** ipconfig({ addr4: "192.168.1.50/24", gw4: "192.168.1.1" }) sets a static address; { dhcp4: true } goes back to DHCP. */
      (settings: { addr4?: string | [string, string]; gw4?: string; dhcp4?: boolean }): null;
    };
    /** config("essid"), config("mac"), config("channel") query; config({ essid, password, channel }) sets (AP interface). */
    config(key: string): unknown;
    config(settings: { [key: string]: unknown }): null;
    /**
     * Blocks for a scan: the access points in range, [ssid, bssid, channel, RSSI, security, hidden].
     * The security code and the sixth field are the board's (Pico W: 5 and a seen-count; ESP32: 3 and False).
     */
    scan(): [ssid: bytes, bssid: bytes, channel: number, rssi: number, security: number, hidden: boolean | number][];
  }
  interface WLANConstructor {
    (itf?: number): WLAN;
    new (itf?: number): WLAN;
    readonly IF_STA: number;
    readonly IF_AP: number;
  }
  const network: {
    readonly STA_IF: number;
    readonly AP_IF: number;
    readonly WLAN: WLANConstructor;
    /** network.ipconfig("dns"): the DNS server. Pico W only. */
    ipconfig?(key: "dns"): string;
    /** The name the board's DHCP sends (default PicoW, mpy-esp32, mpy-esp8266); hostname(name) sets it (32 bytes at most). Absent on the mPython board. */
    hostname?(name?: string): string | null;
    /** The WiFi country code, "XX" until set; country("GB") sets it (2 characters). Absent on the mPython board. */
    country?(code?: string): string | null;
    readonly [constant: string]: unknown;
  };
  export default network;
}

declare module "socket" {
  type Address = [host: string, port: number];
  interface Socket {
    bind(addr: Address): void;
    /**
     * TCP: blocks until connected: a board on the LAN, or 192.168.1.2, the PC (port P there is
     * 127.0.0.1:P), or any other address out through the PC. A closed port raises OSError
     * ECONNRESET, no WiFi EHOSTUNREACH; a hostname raises ValueError on Pico W and ESP8266, and is
     * looked up on ESP32 (OSError -202 when it fails). UDP: sets the default destination.
     */
    connect(addr: Address): void;
    /** UDP: sends one datagram; returns its length. */
    sendto(data: string | Uint8Array, addr: Address): number;
    /** UDP: the next datagram, at most bufsize bytes of it, and its sender. */
    recvfrom(bufsize: number): [bytes, Address];
    listen(backlog?: number): void;
    /** Blocks until a client connects: [connection, [ip, port]]. */
    accept(): [Socket, Address];
    /** Returns how many bytes the board took (can be fewer on Pico W and ESP8266). */
    send(data: string | Uint8Array): number;
    sendall(data: string | Uint8Array): void;
    /** Everything (blocking); non-blocking, what the buffer took, or null (None) when nothing. */
    write(data: string | Uint8Array): number | null;
    /** Blocks until data arrives; b'' once the peer has closed. */
    recv(bufsize: number): bytes;
    /** read(n) waits for n bytes or the end, read() for the end; null (None) when non-blocking with nothing to read. */
    read(size?: number): bytes | null;
    /** Reads into buf (at most nbytes); returns the count, or null when non-blocking with nothing to read. */
    readinto(buf: Uint8Array, nbytes?: number): number | null;
    /** Bytes up to and including "\n", at most limit of them. */
    readline(limit?: number): bytes | null;
    /** The socket's number on the board (what select/poll keys it by). */
    readonly fd: number;
    close(): void;
    setsockopt(level: number, option: number, value: number): void;
    /** Seconds; null blocks forever, 0 is non-blocking. */
    settimeout(seconds: number | null): void;
    setblocking(flag: boolean): void;
    makefile(): Socket;
  }
  interface SocketConstructor {
    (af?: number, type?: number, proto?: number): Socket;
    new (af?: number, type?: number, proto?: number): Socket;
  }
  const socket: {
    readonly socket: SocketConstructor;
    /** [[family, type, proto, canonname, [ip, port]]]: a name from the router's DNS (--hosts); a str port on ESP32 only. */
    getaddrinfo(host: string, port: number | string, af?: number, type?: number, proto?: number, flags?: number): [family: number, type: number, proto: number, canonname: string, address: Address][];
    readonly AF_INET: number;
    readonly SOCK_STREAM: number;
    readonly SOCK_DGRAM: number;
    readonly SOL_SOCKET: number;
    readonly SO_REUSEADDR: number;
    readonly [constant: string]: unknown;
  };
  export default socket;
}

declare module "time" {
  const time: {
    /** Seconds; blocks the script. */
    sleep(seconds: number): void;
    sleep_ms(ms: number): void;
    sleep_us(us: number): void;
    ticks_ms(): number;
    ticks_us(): number;
    ticks_add(ticks: number, delta: number): number;
    ticks_diff(end: number, start: number): number;
    /** Seconds since the board's epoch: 1970 on the Pico W (rp2), 2000 on the ESP boards. */
    time(): number;
    time_ns(): bigint;
    /** (year, month, mday, hour, minute, second, weekday 0=Monday, yearday); now without an argument. */
    localtime(secs?: number | null): number[];
    gmtime(secs?: number | null): number[];
    /** The inverse of localtime(): seconds since the board's epoch. */
    mktime(t: number[]): number;
  };
  export default time;
}

declare module "machine" {
  type PinId = number | string | Pin;
  interface Pin {
    /** value() reads the level; value(x) drives it. */
    value(x?: unknown): number | null;
    on(): void;
    off(): void;
    /** The Pico W's only (rp2 machine_pin.c): on the ESP boards AttributeError, as their firmware. */
    toggle(): void;
    init(mode?: number | null, pull?: number | null, options?: { value?: number }): void;
    /** The handler runs after the edge, at the script's next call into the board (a sleep wakes for it). */
    irq(handler?: ((pin: Pin) => void) | null, trigger?: number): void;
  }
  interface ADC {
    read_u16(): number;
    /** ESP32 (12 bits) and ESP8266 (10 bits) only. */
    read(): number;
    /** ESP32 only: the channel's attenuation (ADC.ATTN_*), its block's width (ADC.WIDTH_*). */
    init(options?: { atten?: number }): void;
    atten(atten: number): void;
    width(bits: number): void;
    /** ESP32 only: the calibrated reading in µV. */
    read_uv(): number;
    /** ESP32 only: the channel's ADCBlock. */
    block(): ADCBlock;
  }
  /** ESP32 only (machine.ADCBlock): ADC unit 0 or 1. */
  interface ADCBlock {
    init(options?: { bits?: number }): void;
    /** connect(channel), connect(pin) or connect(channel, pin), with {atten}. */
    connect(channelOrPin: PinId, pinOrOptions?: PinId | { atten?: number }, options?: { atten?: number }): ADC;
  }
  interface PWM {
    freq(value?: number): number | null;
    duty_u16(value?: number): number | null;
    deinit(): void;
  }
  interface RTC {
    /** (year, month, day, weekday, hours, minutes, seconds, subseconds); datetime(t) sets the board's clock. */
    datetime(t?: number[]): number[] | null;
  }
  type TimerOptions = { mode?: number; period?: number; freq?: number; callback?: (t: Timer) => void };
  interface Timer {
    init(options: TimerOptions): void;
    deinit(): void;
  }
  type Ctor<A extends unknown[], T> = { (...args: A): T; new (...args: A): T };
  const machine: {
    /** Pin(2, Pin.OUT), Pin("LED", Pin.OUT) on the Pico W; the board's own ValueError for pins it has not. */
    readonly Pin: Ctor<[id: PinId, mode?: number | null, pull?: number | null, options?: { value?: number }], Pin> & { readonly [constant: string]: number };
    /** ADC(id); on the ESP32 ADC(pin, {atten}), and ADC.ATTN_* / ADC.WIDTH_*. The same object for the same channel on the ESP32 and ESP8266. */
    readonly ADC: Ctor<[id: PinId, options?: { atten?: number }], ADC> & { readonly [constant: string]: number };
    /** ESP32 only. */
    readonly ADCBlock?: Ctor<[id: number, options?: { bits?: number }], ADCBlock>;
    readonly PWM: Ctor<[dest: PinId, options?: { freq?: number; duty_u16?: number }], PWM>;
    readonly RTC: Ctor<[], RTC>;
    /** Timer(-1) on the Pico W and ESP8266, Timer(0..3) on the ESP32. */
    readonly Timer: Ctor<[id?: number | TimerOptions, options?: TimerOptions], Timer> & { readonly ONE_SHOT: number; readonly PERIODIC: number };
    unique_id(): bytes;
    freq(hz?: number): number | null;
    /** The board restarts and runs the script again. */
    reset(): void;
    soft_reset(): void;
    reset_cause(): number;
    idle(): void;
    lightsleep(ms?: number): void;
    /** The board is off for `ms`, then boots with reset_cause() DEEPSLEEP_RESET. */
    deepsleep(ms?: number): void;
    readonly [constant: string]: unknown;
  };
  export default machine;
}

declare module "sys" {
  const sys: {
    /** "rp2", "esp32" or "esp8266". */
    readonly platform: string;
    readonly version: string;
    readonly implementation: { name: string; version: [number, number, number, string]; _machine: string; _mpy: number };
  };
  export default sys;
}

/** The script's editable settings, from the command line (--ssid, --password, --host, --port). */
declare module "config" {
  const config: { ssid: string; password: string; host: string; port: number };
  export const ssid: string;
  export const password: string;
  export const host: string;
  export const port: number;
  export default config;
}

/** The labplus mPython board's module (only on `--board mpython`; elsewhere the import fails). */
declare module "mpython" {
  interface Station {
    active(on?: boolean): boolean | null;
    connect(ssid: string, key?: string): void;
    disconnect(): void;
    status(param?: string): number;
    isconnected(): boolean;
    ifconfig(): [ip: string, netmask: string, gateway: string, dns: string];
  }
  interface Wifi {
    /** The station interface (network.WLAN(network.STA_IF)). */
    readonly sta: Station;
    /** The access point interface (network.WLAN(network.AP_IF)), which enable_APWiFi() configures. */
    readonly ap: Station;
    /** Scans, connects, prints a dot every 500 ms; OSError after `timeout` seconds without an address. */
    connectWiFi(ssid: string, passwd: string, timeout?: number): void;
    /** Leaves the network and prints `disconnect WiFi...`. */
    disconnectWiFi(): void;
    /** The board becomes an access point (192.168.4.1): WPA/WPA2 with a password, else open; channel 10 by default. */
    enable_APWiFi(essid: string, password?: string, channel?: number): void;
    /** Takes the access point down and prints `disable AP WiFi...`. */
    disable_APWiFi(): void;
  }
  /** The 128×64 OLED: draw into the framebuffer, then show(). Colour 1 lit, 0 dark. */
  interface Oled {
    fill(color: number): void;
    pixel(x: number, y: number, color: number): void;
    fill_rect(x: number, y: number, w: number, h: number, color: number): void;
    hline(x: number, y: number, w: number, color: number): void;
    vline(x: number, y: number, h: number, color: number): void;
    rect(x: number, y: number, w: number, h: number, color: number): void;
    /** 8×8-pixel characters. */
    text(text: unknown, x: number, y: number, color?: number): void;
    /** labplus's 16-pixel-high text lines (y = 0, 16, 32, 48). */
    DispChar(text: unknown, x: number, y: number): void;
    show(): void;
  }
  export const wifi: { (): Wifi; new (): Wifi };
  export const oled: Oled;
  const mpython: { wifi: typeof wifi; oled: Oled };
  export default mpython;
}
