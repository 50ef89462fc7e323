import type { Lan } from "../lan.ts";
import { tap } from "../tcp/pipe.ts";
import { seededRandom, type Random } from "./random.ts";
import type { BoardHandle, BoardSetup, ConnectAttempt, Connection, ConnectVerdict, Direction, LanHooks } from "../lan-hooks.ts";
import type { Fault, FaultScope } from "./fault.ts";

/** Where and when a fault acts: the parameters every fault takes. */
export interface FaultTargets {
  /** Simulated ms from the start until the fault begins. */
  at: number;
  /** How long it lasts, ms; null: to the end. */
  for: number | null;
  /** Only connections, attempts and boards of this board. */
  board?: string;
  /** Only connections to this server port. */
  port?: number;
  /** Only connections with this address at one end. */
  peer?: string;
  /** Only this access point. */
  ssid?: string;
  directions: Direction[];
  /** Each connection (or attempt) is hit with this probability, from the lab's seeded randomness. */
  probability: number;
}

/** A fault with its targets, as parsed from a spec. */
export interface PlacedFault {
  /** How it was written, for logs. */
  text: string;
  fault: Fault;
  targets: FaultTargets;
  /** Logged at debug level only: part of the timing profile, not a fault the user asked for. */
  quiet?: boolean;
}

interface Rule<T> {
  matches(value: T): boolean;
  fn: (value: T) => void;
}

/**
 * The faults of one LAN: it starts and stops them on the LAN's clock and answers the LAN's questions
 * (does this connect succeed? who wraps this new connection? what does this board boot with?).
 */
export class Faults implements LanHooks {
  readonly random: Random;
  private readonly verdicts: { matches(a: ConnectAttempt): boolean; verdict: ConnectVerdict; probability: number }[] = [];
  private readonly delays: { matches(a: ConnectAttempt): boolean; ms: number }[] = [];
  private readonly connectionRules: (Rule<Connection> & { probability: number })[] = [];
  private readonly setupRules: Rule<BoardSetup>[] = [];
  private readonly open = new Set<Connection>();
  private readonly boardHandles = new Map<string, BoardHandle>();

  constructor(
    private readonly lan: Lan,
    seed = 1,
  ) {
    this.random = seededRandom(seed);
  }

  /** Schedules `placed` on the LAN's clock: it starts at its `at` (at once for 0) and ends after its `for`. */
  add(placed: PlacedFault): void {
    const { targets, text } = placed;
    const log = this.lan.log.child({ fault: text });
    const say = (message: string) => (placed.quiet ? log.debug(message) : log.info(message));
    const undo: (() => void)[] = [];
    let active = true;
    const start = () => {
      say(`fault ${text}: on`);
      const stop = placed.fault.start(this.scope(targets, log, undo, () => active));
      if (stop) undo.push(stop);
      if (targets.for !== null) {
        this.lan.clock.setTimer(targets.for, () => {
          active = false;
          for (const u of undo.splice(0).reverse()) u();
          say(`fault ${text}: off`);
        });
      }
    };
    if (targets.at === 0) start();
    else this.lan.clock.setTimer(targets.at, start);
  }

  /** How a connection attempt ends, when a fault decides it. */
  verdict(attempt: ConnectAttempt): ConnectVerdict | null {
    for (const rule of this.verdicts) {
      if (rule.matches(attempt) && this.hits(rule.probability)) return rule.verdict;
    }
    return null;
  }

  /** How much longer a connection attempt takes before it connects, ms. */
  connectDelay(attempt: ConnectAttempt): number {
    return this.delays.reduce((sum, rule) => sum + (rule.matches(attempt) ? rule.ms : 0), 0);
  }

  /** A connection is established: faults in scope wrap it. */
  opened(connection: Connection): void {
    this.open.add(connection);
    let finished = 0;
    const watch = (direction: Direction) =>
      connection.wrap(direction, (next) =>
        tap(next, (segment) => {
          if (segment.kind === "rst" || (segment.kind === "fin" && ++finished === 2)) this.open.delete(connection);
        }),
      );
    watch("upstream");
    watch("downstream");
    for (const rule of [...this.connectionRules]) {
      if (rule.matches(connection) && this.hits(rule.probability)) rule.fn(connection);
    }
  }

  /** What a board boots with, after the board faults. */
  setup(setup: BoardSetup): BoardSetup {
    for (const rule of this.setupRules) if (rule.matches(setup)) rule.fn(setup);
    return setup;
  }

  /** A board is running (until the returned function is called): board faults reach it through `handle`. */
  register(handle: BoardHandle): () => void {
    this.boardHandles.set(handle.name, handle);
    return () => this.boardHandles.get(handle.name) === handle && this.boardHandles.delete(handle.name);
  }

  private hits(probability: number): boolean {
    return probability >= 1 || this.random() < probability;
  }

  private scope(targets: FaultTargets, log: FaultScope["log"], undo: (() => void)[], isActive: () => boolean): FaultScope {
    const { lan } = this;
    const boardMatches = (name: string) => targets.board === undefined || targets.board === name;
    const connectionMatches = (c: Connection) =>
      (targets.board === undefined || c.hosts.includes(targets.board)) &&
      (targets.port === undefined || c.server[1] === targets.port) &&
      (targets.peer === undefined || c.client[0] === targets.peer || c.server[0] === targets.peer);
    const attemptMatches = (a: ConnectAttempt) =>
      (targets.board === undefined || a.from === targets.board || a.to === targets.board) &&
      (targets.port === undefined || a.remote[1] === targets.port) &&
      (targets.peer === undefined || a.remote[0] === targets.peer);
    const remember = <T>(list: T[], item: T) => {
      list.push(item);
      const remove = () => list.includes(item) && list.splice(list.indexOf(item), 1);
      undo.push(remove);
      return remove;
    };
    return {
      lan,
      clock: lan.clock,
      log,
      random: this.random,
      board: targets.board,
      directions: targets.directions,
      get active() {
        return isActive();
      },
      onConnect: (verdict) => remember(this.verdicts, { matches: attemptMatches, verdict, probability: targets.probability }),
      delayConnect: (ms) => remember(this.delays, { matches: attemptMatches, ms }),
      onConnection: (fn) => {
        for (const c of this.open) if (connectionMatches(c) && this.hits(targets.probability)) fn(c);
        return remember(this.connectionRules, { matches: connectionMatches, fn, probability: targets.probability });
      },
      accessPoints: () => lan.accessPoints.filter((ap) => (targets.ssid === undefined ? !ap.config.owner : ap.ssid === targets.ssid)),
      boards: () => [...this.boardHandles.values()].filter((b) => boardMatches(b.name)),
      onBoardSetup: (fn) => remember(this.setupRules, { matches: (s: BoardSetup) => boardMatches(s.name), fn }),
    };
  }
}
