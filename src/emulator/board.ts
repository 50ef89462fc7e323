import type { Logger } from "pino";
import { errorcodeTable } from "../boards/errno.ts";
import type { BoardProfile, TimingProfileName } from "../boards/profile.ts";
import type { IfconfigTuple } from "../boards/profile.ts";
import type { Security } from "../network-sim/access-point.ts";
import { ipToNumber, isIPv4, numberToIp, type SocketAddress } from "../network-sim/address.ts";
import { sleep } from "../network-sim/clock.ts";
import { FirmwareError, NetError } from "../network-sim/errors.ts";
import type { LinkBuffers } from "../network-sim/host-bridge.ts";
import type { Lan, LanHost } from "../network-sim/lan.ts";
import { PortTable } from "../network-sim/port-table.ts";
import { SoftAp, type SoftApSettings } from "../network-sim/soft-ap.ts";
import type { TcpLink } from "../network-sim/tcp-link.ts";
import { TcpSocket, type Route, type SocketHost } from "../network-sim/tcp-socket.ts";
import { UdpSocket } from "../network-sim/udp-socket.ts";
import { Wlan } from "../network-sim/wlan.ts";
import type { HostContext } from "./host/host-context.ts";
import { modselect } from "./host/modselect.ts";
import { modsocket } from "./host/modsocket.ts";
import { DISPCHAR_CELL, Oled, TEXT_CELL } from "./devices/oled.ts";
import { GuestException, type GuestEngine, type GuestHost, type HostValue, type RunOutcome } from "./host-api.ts";

export interface BoardOptions {
  profile: BoardProfile;
  lan: Lan;
  log: Logger;
  timing: TimingProfileName;
  /** The board's serial console (stdout in the CLI). */
  console: (text: string) => void;
  /** Station MAC; the profile's OUI and a hash of the board's name when omitted. */
  mac?: Uint8Array;
  /** The board's name on the LAN (lab files name each board); the profile id by default. */
  name?: string;
  /** --forward: PC port for a listening board port, when not the same number. */
  forwards?: ReadonlyMap<number, number>;
  /** What time.time() counts from (ms since 1970); now by default, fixed in tests so runs repeat. */
  bootEpochMs?: number;
}

/** How long guest code may run before a polling host call lets the event loop take a turn. */
const YIELD_EVERY_MS = 10;

/**
 * One virtual board: its profile, WiFi interface and sockets, and the host API its script calls.
 * Errors from the simulator leave here as the board's own Python exceptions.
 */
export class Board implements GuestHost, LanHost {
  readonly profile: BoardProfile;
  readonly name: string;
  readonly mac: Uint8Array;
  readonly sta: Wlan;
  /** The AP interface (network.AP_IF). */
  readonly ap: SoftAp;
  /** The built-in screen, on boards that have one: what the script last drew (shown or not). */
  readonly oled: Oled | null;
  readonly functionNames: readonly string[];
  private readonly opts: BoardOptions;
  private readonly sockets = new Map<number, TcpSocket | UdpSocket>();
  private readonly ports = new PortTable<TcpSocket>();
  private readonly udpPorts = new PortTable<UdpSocket>();
  private readonly socketHost: SocketHost;
  private readonly api: Record<string, (...args: never[]) => HostValue | Promise<HostValue>>;
  private readonly modsocket: ReturnType<typeof modsocket>;
  private nextSocketId = 1;
  private calls = new AbortController();
  private pendingCalls = 0;
  private interruptPending = false;
  private lastYield = performance.now();
  private readonly bootEpochMs: number;
  /** Whether the guest is running code now (not blocked in a host call): the clock is told. */
  private guestRunning = false;
  /** Set by halt(): the run ends as if the power went, and no host call answers any more. */
  private halted: ((outcome: RunOutcome) => void) | null = null;
  private isHalted = false;

  constructor(opts: BoardOptions) {
    this.opts = opts;
    this.profile = opts.profile;
    const { profile, lan, log } = opts;
    const clock = lan.clock;
    this.name = opts.name ?? profile.id;
    this.bootEpochMs = opts.bootEpochMs ?? Date.now();
    this.mac = opts.mac ?? Uint8Array.of(...profile.macOui, ...nameHash(this.name));
    this.sta = new Wlan({
      lan,
      clock,
      log,
      profile,
      timing: profile.wlan.timing[opts.timing],
      mac: this.mac,
      hostname: profile.hostname,
      host: this,
    });
    this.ap = new SoftAp(lan, log, profile, this.mac, this);
    this.socketHost = {
      lan,
      clock,
      log,
      profile,
      localIp: () => this.sta.ip,
      claimPort: (port, socket) => this.ports.claim(port, socket),
      releasePort: (port, socket) => this.ports.release(port, socket),
      ephemeralPort: (socket) => this.ports.claimEphemeral(socket),
      udpPorts: this.udpPorts,
      lanHost: this,
      route: (ip) => this.route(ip),
      hostPort: (boardPort) => opts.forwards?.get(boardPort) ?? boardPort,
      pcbsInUse: () => sum(this.tcpSockets(), (s) => s.pcbs),
      listeningSockets: () => sum(this.tcpSockets(), (s) => (s.isListening ? 1 : 0)),
      roomFreed: () => {
        for (const socket of this.tcpSockets()) socket.admitWaiting();
      },
    };
    this.oled = profile.display ? new Oled(profile.display.width, profile.display.height) : null;
    const context: HostContext = {
      profile,
      lan,
      clock,
      log,
      signal: () => this.calls.signal,
      socket: (fd) => this.sockets.get(fd),
      write: (text) => opts.console(text),
    };
    this.modsocket = modsocket(context);
    this.api = { ...this.hostFunctions(), ...this.modsocket.hostFunctions, ...modselect(context) };
    this.functionNames = Object.keys(this.api);
  }

  get linkBuffers(): LinkBuffers {
    return this.profile.socket;
  }

  acceptTcp(localPort: number, link: TcpLink): boolean {
    return this.ports.get(localPort)?.offer(link) ?? false;
  }

  receiveUdp(localPort: number, from: SocketAddress, data: Uint8Array): void {
    this.udpPorts.get(localPort)?.deliver(data, from);
  }

  /** The network a packet for `ip` leaves on: the one whose subnet holds it, else the station's gateway. */
  private route(ip: string): Route | null {
    for (const itf of [this.ap, this.sta]) {
      if (itf.network && itf.ip && itf.network.contains(ip)) return { net: itf.network, localIp: itf.ip };
    }
    return this.sta.network && this.sta.ip ? { net: this.sta.network, localIp: this.sta.ip } : null;
  }

  /** Prints the firmware banner, as the console shows after a reset. */
  boot(): void {
    this.opts.console(`${this.profile.banner}\nType "help()" for more information.\n`);
  }

  /** Runs a script to its end; an uncaught exception prints its traceback on the console. */
  async run(engine: GuestEngine): Promise<RunOutcome> {
    const halted = new Promise<RunOutcome>((resolve) => (this.halted = resolve));
    this.setGuestRunning(true);
    try {
      const outcome = await Promise.race([engine.run(this), halted]);
      if (outcome.kind === "raised") this.opts.console(outcome.traceback.join("\n") + "\n");
      return outcome;
    } finally {
      this.setGuestRunning(false);
    }
  }

  /**
   * The reset button: the script stops where it is (no exception it could catch, nothing printed)
   * and run() ends with { kind: "reset" }; sockets are dropped with RST. The caller boots a new Board.
   */
  halt(): void {
    if (this.isHalted) return;
    this.isHalted = true;
    this.halted?.({ kind: "reset" });
    this.shutdown(true);
  }

  private setGuestRunning(running: boolean): void {
    if (running === this.guestRunning) return;
    this.guestRunning = running;
    this.opts.lan.clock.guestRunning?.(running ? 1 : -1);
  }

  /** Ctrl-C: raises KeyboardInterrupt in the script, in the call it is blocked in or at its next one. */
  interrupt(): void {
    if (this.pendingCalls === 0) {
      this.interruptPending = true;
      return;
    }
    const calls = this.calls;
    this.calls = new AbortController();
    calls.abort(new GuestException("KeyboardInterrupt", []));
  }

  /** Closes every socket (with RST when `reset`) and leaves the network: the board is switched off. */
  shutdown(reset = false): void {
    // Empty the table first: a closing socket frees room that must not let queued connections in.
    const sockets = [...this.sockets.values()];
    this.sockets.clear();
    for (const socket of sockets) {
      if (reset && socket instanceof TcpSocket) socket.reset();
      else socket.close();
    }
    this.sta.setActive(false);
    this.ap.setActive(false);
  }

  call(name: string, args: readonly HostValue[]): HostValue | Promise<HostValue> {
    const fn = this.api[name] as ((...a: readonly HostValue[]) => HostValue | Promise<HostValue>) | undefined;
    if (!fn) throw new GuestException("RuntimeError", [`no host function ${name}`]);
    if (this.isHalted) return new Promise<HostValue>(() => {}); // a halted board never answers
    if (this.interruptPending) {
      this.interruptPending = false;
      throw new GuestException("KeyboardInterrupt", []);
    }
    try {
      const result = fn(...args);
      return result instanceof Promise ? this.settle(result) : result;
    } catch (error) {
      throw this.asGuestException(error);
    }
  }

  private async settle(pending: Promise<HostValue>): Promise<HostValue> {
    this.pendingCalls++;
    this.setGuestRunning(false);
    try {
      return await pending;
    } catch (error) {
      throw this.asGuestException(error);
    } finally {
      this.pendingCalls--;
      this.lastYield = performance.now();
      if (this.isHalted) await new Promise(() => {}); // the guest never hears back
      this.setGuestRunning(true);
    }
  }

  private asGuestException(error: unknown): unknown {
    if (error instanceof NetError) return new GuestException("OSError", [this.profile.errno[error.code]]);
    if (error instanceof FirmwareError) return new GuestException(error.pyType, [error.message]);
    return error;
  }

  private socket(id: number): TcpSocket | UdpSocket {
    const socket = this.sockets.get(id);
    if (!socket) throw new NetError("EBADF");
    return socket;
  }

  private tcp(id: number): TcpSocket {
    const socket = this.socket(id);
    if (socket instanceof UdpSocket) throw new NetError("EOPNOTSUPP");
    return socket;
  }

  private udp(id: number): UdpSocket {
    const socket = this.socket(id);
    if (socket instanceof TcpSocket) throw new NetError("ENOTCONN"); // sendto/recvfrom on a stream socket
    return socket;
  }

  private ipconfigQuery(itf: number, key: string): HostValue {
    const [ip, netmask, gateway, dns] = this.wlan(itf).ifconfig();
    switch (key) {
      case "addr4":
        return [ip, netmask];
      case "gw4":
        return gateway;
      case "dns":
        return dns;
      case "dhcp4":
        return itf === 0 && this.sta.usesDhcp;
      case "has_dhcp4":
        return itf === 0 && this.sta.usesDhcp && this.sta.ip !== null;
    }
    throw new FirmwareError("ValueError", "unexpected key");
  }

  /** ipconfig(addr4='ip/len' or (ip, mask), gw4=ip, dhcp4=bool) on the station interface. */
  private ipconfigSet(changes: { readonly [key: string]: HostValue }): null {
    let [ip, netmask, gateway, dns] = this.sta.ifconfig();
    for (const [key, value] of Object.entries(changes)) {
      if (key === "dhcp4") {
        if (value) this.sta.setStatic(null);
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
      this.sta.setStatic(ifconfigTuple([ip, netmask, gateway, dns]));
    }
    return null;
  }

  private configQuery(itf: number, key: string): HostValue {
    switch (key) {
      case "mac":
        return itf === 0 ? this.mac : this.ap.mac;
      case "essid":
      case "ssid":
        return itf === 0 ? (this.sta.network?.ssid ?? "") : this.ap.settings.ssid;
      case "channel":
        return itf === 0 ? (this.sta.network?.config.channel ?? 0) : this.ap.settings.channel;
      case "hostname":
        return this.profile.hostname;
    }
    throw new FirmwareError("ValueError", "unknown config param");
  }

  private configSet(itf: number, changes: { readonly [key: string]: HostValue }): null {
    const ap: Partial<SoftApSettings> = {};
    for (const [key, value] of Object.entries(changes)) {
      if (key === "pm" || key === "txpower") continue; // power management and TX power are not simulated
      if (itf === 1 && (key === "essid" || key === "ssid")) ap.ssid = String(value);
      else if (itf === 1 && (key === "password" || key === "key")) ap.password = String(value);
      else if (itf === 1 && key === "channel") ap.channel = Number(value);
      else if (itf === 1 && (key === "security" || key === "authmode")) ap.security = this.apSecurity(Number(value));
      else throw new FirmwareError("ValueError", "unknown config param");
    }
    if (Object.keys(ap).length > 0) this.ap.configure(ap);
    return null;
  }

  /**
   * config(authmode=n) on the AP: 0 is open; the ESP ports number the rest as their scan() does
   * (3 WPA2, 4 WPA/WPA2); any other mode (Pico W's SEC_* bit sets) is taken as WPA2.
   */
  private apSecurity(mode: number): Security {
    if (mode === 0) return "open";
    const kinds = Object.entries(this.profile.wlan.scanSecurity) as [Security, number][];
    return kinds.find(([, code]) => code === mode)?.[0] ?? "wpa2";
  }

  private *tcpSockets(): Iterable<TcpSocket> {
    for (const socket of this.sockets.values()) if (socket instanceof TcpSocket) yield socket;
  }

  private addSocket(socket: TcpSocket | UdpSocket): number {
    const id = this.nextSocketId++;
    this.sockets.set(id, socket);
    return id;
  }

  /**
   * An address for connect()/sendto(): a numeric IP, or a name where the firmware resolves names
   * (ESP32); the lwIP raw-API ports parse numbers only.
   */
  private address(host: string): string {
    if (isIPv4(host)) return host;
    if (!this.profile.socket.resolvesHostnames) throw new FirmwareError("ValueError", "invalid arguments");
    // The simulated router's DNS answers from its hosts table; an unknown name fails at once (a real
    // router may take its DNS timeout: UNVERIFIED).
    return this.modsocket.lookup(host);
  }

  private screen(): Oled {
    if (!this.oled) throw new FirmwareError("OSError", "boardsim: this board has no display");
    return this.oled;
  }

  private wlan(itf: number): Wlan | SoftAp {
    return itf === 0 ? this.sta : this.ap;
  }

  /** The host API: every function a guest engine may call, by name. */
  private hostFunctions() {
    const { profile } = this;
    const clock = this.opts.lan.clock;
    return {
      boardInfo: (): HostValue => ({
        board: profile.id,
        errorcode: errorcodeTable(profile.errno),
        socket: profile.socket.constants,
        network: profile.wlan.constants,
        modules: [...(profile.vendorModules ?? [])],
        notFrozen: [...(profile.notFrozen ?? [])],
      }),
      write: (text: string): null => {
        this.opts.console(text);
        return null;
      },
      /** Called from the script's loops: lets timers and sockets move while guest code spins. */
      poll: (): null | Promise<null> => {
        if (clock.busyLoop) return clock.busyLoop(this.calls.signal).then(() => null);
        return performance.now() - this.lastYield < YIELD_EVERY_MS ? null : nextTurn(this.calls.signal);
      },
      sleepMs: (ms: number): Promise<null> => sleep(clock, ms, this.calls.signal).then(() => null),
      ticksMs: (): number => Math.floor(clock.now()),
      epochSeconds: (): number => Math.floor((this.bootEpochMs + clock.now()) / 1000),

      wlanActive: (itf: number, on: boolean | null): boolean | null => {
        const wlan = this.wlan(itf);
        if (on === null) return wlan.active;
        wlan.setActive(on);
        return profile.wlan.activeReturnsState ? on : null;
      },
      wlanConnect: (itf: number, ssid: string, key: string): null => {
        this.wlan(itf).connect(ssid, key);
        return null;
      },
      wlanDisconnect: (itf: number): null => {
        this.wlan(itf).disconnect();
        return null;
      },
      wlanStatus: (itf: number, param: string | null): HostValue => {
        if (param === "stations" && itf === 1) return this.ap.stations().map((mac) => [mac]);
        if (param === "rssi" && itf === 0) return this.sta.network?.rssiFor(this.name) ?? 0;
        if (param !== null) throw new FirmwareError("ValueError", "unknown status param");
        return this.wlan(itf).status();
      },
      wlanIsConnected: (itf: number): boolean => this.wlan(itf).isConnected(),
      wlanIfconfig: (itf: number, config: readonly string[] | null): HostValue => {
        if (config !== null) this.wlan(itf).setStatic(ifconfigTuple(config));
        return config === null ? [...this.wlan(itf).ifconfig()] : null;
      },
      /** ipconfig('addr4' | 'gw4' | 'dhcp4' | 'has_dhcp4' | 'dns'), or ipconfig(addr4=, gw4=, dhcp4=). */
      wlanIpconfig: (itf: number, key: string | null, changes: { readonly [key: string]: HostValue } | null): HostValue =>
        key !== null ? this.ipconfigQuery(itf, key) : this.ipconfigSet(changes ?? {}),
      /** scan(): blocks for one scan, then the APs this board hears, in its tuple format. */
      wlanScan: async (): Promise<HostValue> => {
        this.sta.scan(); // raises when inactive, before the wait
        await sleep(clock, this.sta.timing.scanMs, this.calls.signal);
        return this.sta.scan().map(({ ap, rssi }) => [
          new TextEncoder().encode(ap.ssid),
          ap.config.bssid,
          ap.config.channel,
          rssi,
          profile.wlan.scanSecurity[ap.config.security],
          profile.wlan.scanSixthField,
        ]);
      },
      /** config('key') queries; config({ key: value }) sets (the AP's essid, password, channel, security). */
      wlanConfig: (itf: number, key: string | null, changes: { readonly [key: string]: HostValue } | null): HostValue =>
        key !== null ? this.configQuery(itf, key) : this.configSet(itf, changes ?? {}),

      socketNew: (_af: number, type: number): number => {
        const { SOCK_STREAM, SOCK_DGRAM } = profile.socket.constants;
        if (type === SOCK_DGRAM) return this.addSocket(new UdpSocket(this.socketHost));
        if (type !== SOCK_STREAM) throw new NetError("EOPNOTSUPP");
        // TCP PCBs (lwIP raw API) or socket descriptors (ESP32) run out; UDP has its own pool.
        const open = [...this.sockets.values()].filter((s) => s instanceof TcpSocket && !s.isClosed).length;
        if (open >= profile.socket.maxSockets) throw new NetError(profile.socket.socketsExhausted);
        return this.addSocket(new TcpSocket(this.socketHost));
      },
      socketConnect: (id: number, host: string, port: number): null | Promise<null> => {
        const ip = this.address(host);
        const socket = this.socket(id);
        if (socket instanceof UdpSocket) return socket.connect(ip, port), null;
        return socket.connect(ip, port, this.calls.signal).then(() => null);
      },
      socketSendto: (id: number, data: Uint8Array, host: string, port: number): number =>
        this.udp(id).sendto(data, this.address(host), port),
      socketRecvfrom: async (id: number, size: number): Promise<HostValue> => {
        const { data, from } = await this.udp(id).recvfrom(size, this.calls.signal);
        return [data, from[0], from[1]];
      },
      socketBind: (id: number, ip: string, port: number): null => {
        if (ip !== "" && !isIPv4(ip)) throw new FirmwareError("ValueError", "invalid arguments");
        this.socket(id).bind(ip, port);
        return null;
      },
      socketListen: (id: number, backlog: number | null): Promise<null> =>
        this.tcp(id).listen(backlog ?? profile.socket.defaultBacklog).then(() => null),
      socketAccept: (id: number): HostValue | Promise<HostValue> => {
        const accepted = (conn: TcpSocket): HostValue => {
          const fd = this.addSocket(conn);
          this.socketHost.roomFreed(); // the connection left the accept queue
          return [fd, ...conn.remote!];
        };
        const conn = this.tcp(id).accept(this.calls.signal);
        return conn instanceof Promise ? conn.then(accepted) : accepted(conn);
      },
      socketSend: (id: number, data: Uint8Array): number | Promise<number> => {
        const socket = this.socket(id);
        return socket instanceof UdpSocket ? socket.send(data) : socket.send(data, this.calls.signal);
      },
      socketSendAll: (id: number, data: Uint8Array): number | Promise<number> => this.tcp(id).send(data, this.calls.signal, true),
      socketRecv: (id: number, size: number): Uint8Array | Promise<Uint8Array> => {
        const socket = this.socket(id);
        if (socket instanceof TcpSocket) return socket.recv(size, this.calls.signal);
        const datagram = socket.recvfrom(size, this.calls.signal);
        return datagram instanceof Promise ? datagram.then((d) => d.data) : datagram.data;
      },
      socketClose: (id: number): null => {
        // Forget it first, so its PCB no longer counts when close() lets waiting connections in.
        const socket = this.sockets.get(id);
        this.sockets.delete(id);
        socket?.close();
        return null;
      },
      socketSetTimeout: (id: number, ms: number | null): null => {
        this.socket(id).timeoutMs = ms;
        return null;
      },
      socketSetsockopt: (id: number, _level: number, option: number): null => {
        this.socket(id);
        const known = Object.entries(profile.socket.constants).some(([name, value]) => /^(SO_|TCP_|IP_)/.test(name) && value === option);
        if (!known) this.opts.console(profile.socket.setsockoptWarning + "\n");
        return null;
      },

      oledFill: (color: number): null => (this.screen().fill(color), null),
      oledPixel: (x: number, y: number, color: number): null => (this.screen().pixel(x, y, color), null),
      oledFillRect: (x: number, y: number, w: number, h: number, color: number): null => (this.screen().fillRect(x, y, w, h, color), null),
      oledText: (text: string, x: number, y: number, color: number): null => (this.screen().drawText(text, x, y, color, TEXT_CELL), null),
      oledDispChar: (text: string, x: number, y: number): null => (this.screen().drawText(text, x, y, 1, DISPCHAR_CELL), null),
      /** show(): the frame goes to the simulator's log, drawn for a terminal and as base64 pixels for tools. */
      oledShow: (): null => {
        const screen = this.screen();
        this.opts.log.info({ oled: Buffer.from(screen.pixels).toString("base64") }, `OLED\n${screen.render()}`);
        return null;
      },
    };
  }
}

function sum<T>(items: Iterable<T>, count: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += count(item);
  return total;
}

/** A stable MAC tail per board name, so each board on a LAN gets its own MAC and DHCP lease. */
function nameHash(name: string): [number, number, number] {
  let h = 0x811c9dc5; // FNV-1a
  for (const ch of name) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return [(h >>> 16) & 255, (h >>> 8) & 255, h & 255];
}

/** ifconfig()'s 4-tuple argument, checked like the firmware's. */
function ifconfigTuple(config: readonly string[]): IfconfigTuple {
  if (config.length !== 4 || !config.every((part) => typeof part === "string" && isIPv4(part))) {
    throw new FirmwareError("ValueError", "invalid arguments");
  }
  return [config[0]!, config[1]!, config[2]!, config[3]!];
}

/** Resolves on the event loop's next turn, or rejects when the signal aborts first. */
function nextTurn(signal: AbortSignal): Promise<null> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearImmediate(turn);
      reject(signal.reason);
    };
    const turn = setImmediate(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(null);
    });
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
