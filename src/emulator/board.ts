import type { Logger } from "pino";
import { errorcodeTable } from "../boards/errno.ts";
import type { BoardProfile, TimingProfileName } from "../boards/profile.ts";
import { isIPv4 } from "../network-sim/address.ts";
import { sleep } from "../network-sim/clock.ts";
import { FirmwareError, NetError } from "../network-sim/errors.ts";
import type { Lan } from "../network-sim/lan.ts";
import { TcpSocket, type SocketHost } from "../network-sim/tcp-socket.ts";
import { Wlan } from "../network-sim/wlan.ts";
import { GuestException, type GuestEngine, type GuestHost, type HostValue, type RunOutcome } from "./host-api.ts";

export interface BoardOptions {
  profile: BoardProfile;
  lan: Lan;
  log: Logger;
  timing: TimingProfileName;
  /** The board's serial console (stdout in the CLI). */
  console: (text: string) => void;
  /** Station MAC; derived from the profile's OUI when omitted. */
  mac?: Uint8Array;
}

/** How long guest code may run before a polling host call lets the event loop take a turn. */
const YIELD_EVERY_MS = 10;

/**
 * One virtual board: its profile, WiFi interface and sockets, and the host API its script calls.
 * Errors from the simulator leave here as the board's own Python exceptions.
 */
export class Board implements GuestHost {
  readonly profile: BoardProfile;
  readonly sta: Wlan;
  readonly functionNames: readonly string[];
  private readonly opts: BoardOptions;
  private readonly sockets = new Map<number, TcpSocket>();
  private readonly ports = new Map<number, TcpSocket>();
  private readonly socketHost: SocketHost;
  private readonly api: Record<string, (...args: never[]) => HostValue | Promise<HostValue>>;
  private nextSocketId = 1;
  private calls = new AbortController();
  private pendingCalls = 0;
  private interruptPending = false;
  private lastYield = performance.now();
  private readonly bootEpochMs = Date.now();

  constructor(opts: BoardOptions) {
    this.opts = opts;
    this.profile = opts.profile;
    const { profile, lan, log } = opts;
    const clock = lan.clock;
    this.sta = new Wlan({
      lan,
      clock,
      log,
      profile,
      timing: profile.wlan.timing[opts.timing],
      mac: opts.mac ?? Uint8Array.of(...profile.macOui, 0x5e, 0xb0, 0x01),
      hostname: profile.hostname,
    });
    this.socketHost = {
      lan,
      clock,
      log,
      profile,
      localIp: () => this.sta.ip,
      claimPort: (port, socket) => {
        const holder = this.ports.get(port);
        if (holder && holder !== socket && !holder.isClosed) return false;
        this.ports.set(port, socket);
        return true;
      },
      releasePort: (port, socket) => {
        if (this.ports.get(port) === socket) this.ports.delete(port);
      },
      pcbsInUse: () => sum(this.sockets.values(), (s) => s.pcbs),
      listeningSockets: () => sum(this.sockets.values(), (s) => (s.isListening ? 1 : 0)),
      pcbReleased: () => {
        for (const socket of this.sockets.values()) socket.admitWaiting();
      },
    };
    this.api = this.hostFunctions();
    this.functionNames = Object.keys(this.api);
  }

  /** Prints the firmware banner, as the console shows after a reset. */
  boot(): void {
    this.opts.console(`${this.profile.banner}\nType "help()" for more information.\n`);
  }

  /** Runs a script to its end; an uncaught exception prints its traceback on the console. */
  async run(engine: GuestEngine): Promise<RunOutcome> {
    const outcome = await engine.run(this);
    if (outcome.kind === "raised") this.opts.console(outcome.traceback.join("\n") + "\n");
    return outcome;
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

  /** Closes every socket and leaves the network: the board is switched off. */
  shutdown(): void {
    const sockets = [...this.sockets.values()];
    this.sockets.clear();
    for (const socket of sockets) socket.close();
    this.sta.setActive(false);
  }

  call(name: string, args: readonly HostValue[]): HostValue | Promise<HostValue> {
    const fn = this.api[name] as ((...a: readonly HostValue[]) => HostValue | Promise<HostValue>) | undefined;
    if (!fn) throw new GuestException("RuntimeError", [`no host function ${name}`]);
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
    try {
      return await pending;
    } catch (error) {
      throw this.asGuestException(error);
    } finally {
      this.pendingCalls--;
      this.lastYield = performance.now();
    }
  }

  private asGuestException(error: unknown): unknown {
    if (error instanceof NetError) return new GuestException("OSError", [this.profile.errno[error.code]]);
    if (error instanceof FirmwareError) return new GuestException(error.pyType, [error.message]);
    return error;
  }

  private socket(id: number): TcpSocket {
    const socket = this.sockets.get(id);
    if (!socket) throw new NetError("EBADF");
    return socket;
  }

  private addSocket(socket: TcpSocket): number {
    const id = this.nextSocketId++;
    this.sockets.set(id, socket);
    return id;
  }

  private wlan(itf: number): Wlan {
    if (itf === 0) return this.sta;
    throw new FirmwareError("OSError", "boardsim: the AP interface is not simulated yet");
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
      }),
      write: (text: string): null => {
        this.opts.console(text);
        return null;
      },
      /** Called from the script's loops: lets timers and sockets move while guest code spins. */
      poll: (): null | Promise<null> => (performance.now() - this.lastYield < YIELD_EVERY_MS ? null : nextTurn(this.calls.signal)),
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
      wlanStatus: (itf: number, param: string | null): number => {
        if (param !== null) throw new FirmwareError("ValueError", "unknown status param");
        return this.wlan(itf).status();
      },
      wlanIsConnected: (itf: number): boolean => this.wlan(itf).isConnected(),
      wlanIfconfig: (itf: number): HostValue => [...this.wlan(itf).ifconfig()],

      socketNew: (_af: number, type: number): number => {
        if (type !== profile.socket.constants.SOCK_STREAM) throw new NetError("EOPNOTSUPP");
        if (this.socketHost.pcbsInUse() >= profile.socket.tcpPcbs) throw new NetError(profile.socket.outOfPcbsError);
        return this.addSocket(new TcpSocket(this.socketHost));
      },
      socketBind: (id: number, ip: string, port: number): null => {
        if (ip !== "" && !isIPv4(ip)) throw new FirmwareError("ValueError", "invalid arguments");
        this.socket(id).bind(ip, port);
        return null;
      },
      socketListen: (id: number, backlog: number | null): Promise<null> =>
        this.socket(id).listen(backlog ?? profile.socket.defaultBacklog).then(() => null),
      socketAccept: async (id: number): Promise<HostValue> => {
        const conn = await this.socket(id).accept(this.calls.signal);
        const [ip, port] = conn.remote!;
        return [this.addSocket(conn), ip, port];
      },
      socketSend: (id: number, data: Uint8Array): Promise<number> => this.socket(id).send(data, this.calls.signal),
      socketRecv: (id: number, size: number): Promise<Uint8Array> => this.socket(id).recv(size, this.calls.signal),
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
    };
  }
}

function sum<T>(items: Iterable<T>, count: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += count(item);
  return total;
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
