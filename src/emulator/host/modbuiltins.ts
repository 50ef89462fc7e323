import { errorcodeTable, LINUX_ERRNO, oserrorTexts } from "../../boards/errno.ts";
import type { BoardProfile } from "../../boards/profile.ts";
import { EXTENSIBLE_MODULES } from "../../boards/firmware-modules.ts";
import { inQstrOrder } from "../../boards/qstr-order.ts";
import { abortableWait } from "../../network-sim/clock/abortable-wait.ts";
import type { BoardContext, HostCalls } from "./context.ts";

const UTF8 = new TextDecoder();

/** How long guest code may run before a polling host call lets the event loop take a turn. */
const YIELD_EVERY_MS = 10;

/** What every guest library needs: the board's tables, print() to the console, and a yield from busy loops. */
export function modbuiltins(board: BoardContext) {
  return {
    boardInfo: () => boardInfo(board.profile, board.serial !== null),
    /**
     * A line of print(): text, or the bytes of a TS script's print(data) line when the console takes
     * bytes (quickjs/native.ts, consoleText). Bytes to a console that takes text only (a .py script
     * can call the bridge itself) go as their UTF-8 text.
     */
    write: (text: string | Uint8Array): null | Promise<null> => {
      const full = typeof text === "string" ? board.console(text) : board.console.bytes ? board.console.bytes(text) : board.console(UTF8.decode(text));
      return full ? full.then(() => null) : null;
    },
    /** Called from the script's loops: lets timers and sockets move while guest code spins. */
    poll: (): null | Promise<null> => {
      if (board.clock.busyLoop) return board.clock.busyLoop(board.signal).then(() => null);
      return performance.now() - board.lastYield < YIELD_EVERY_MS ? null : nextTurn(board.signal);
    },
    /** help(module) of a C module of the board's: its table's names in order (py/builtinhelp.c:141-156); null for another. */
    // help(): a C module's table (by its __name__), or a C type's locals table (by its name)
    helpOrder: (name: string, isType: boolean): readonly string[] | null => (isType ? board.profile.port.typeTables : board.profile.port.moduleTables)[name] ?? null,
    /** dir() of a C type or its object: the names in the order dir() probes the firmware's qstrs (qstr-order.ts). */
    dirOrder: (names: string[]): string[] => inQstrOrder(names),
  } satisfies HostCalls<"modbuiltins">;
}

const infos = new WeakMap<BoardProfile, Map<boolean, ReturnType<typeof makeBoardInfo>>>();

/**
 * The board's tables every guest library starts from; `console`: the board has a serial console
 * (REPL). Made once per profile: every board of a fleet asks at boot, and the QuickJS engine keys
 * its snapshot on the object (quickjs/snapshot.ts). Nothing changes it once made.
 */
export function boardInfo(profile: BoardProfile, console: boolean) {
  let byConsole = infos.get(profile);
  if (!byConsole) infos.set(profile, (byConsole = new Map()));
  let info = byConsole.get(console);
  if (!info) byConsole.set(console, (info = makeBoardInfo(profile, console)));
  return info;
}

function makeBoardInfo(profile: BoardProfile, console: boolean) {
  return {
    board: profile.id,
    oserror: oserrorTexts(profile.errno),
    errorcode: errorcodeTable(profile.errno), // the errno module where the board's numbers are not the interpreter's
    ownErrno: profile.errno.EINPROGRESS !== LINUX_ERRNO.EINPROGRESS, // the interpreter's errno module has Linux's numbers
    socket: profile.socket.constants,
    // The socket module's __name__, which its repr shows: extmod/modlwip.c's table is `lwip` (v1.23.0
    // :1825), registered as lwip (:1864) and as the extensible socket (:1867), one module object;
    // ports/esp32/modsocket.c's is `socket` (:990).
    nameOfSocketModule: profile.socket.module === "modlwip" ? "lwip" : "socket",
    socketFileno: profile.socket.filenoBase !== null,
    network: profile.wlan.constants,
    networkType: profile.wlan.type,
    networkFunctions: profile.wlan.functions,
    networkIpconfigMethod: profile.wlan.ipconfigMethod,
    modules: [...(profile.vendorModules ?? []), ...profile.port.frozen, ...profile.port.modules],
    notFrozen: [...(profile.notFrozen ?? [])],
    console,
    help: profile.helpText,
    // help('modules'): sorted as mp_obj_list_sort sorts the names (byte order); the vendor's are
    // built in (UNVERIFIED for labplus's mpython: its firmware's module list is not published).
    helpModules: [...profile.port.firmwareModules.builtin, ...profile.port.firmwareModules.frozen, ...(profile.vendorModules ?? [])].sort(),
    builtinModules: [...profile.port.firmwareModules.builtin, ...(profile.vendorModules ?? [])],
    extensibleModules: profile.port.firmwareModules.builtin.filter((name) => EXTENSIBLE_MODULES.includes(name)),
    // the files the firmware freezes ("asyncio/__init__", "umqtt/simple"): a frozen module's __file__
    frozenFiles: profile.port.firmwareModules.frozen,
    // what a script may import (the top-level names), made here: the guest's start-up cannot collect garbage
    firmwareModules: [...new Set([...profile.port.firmwareModules.builtin, ...profile.port.firmwareModules.frozen.map((f) => f.split("/")[0]), ...(profile.vendorModules ?? [])])],
    port: portInfo(profile),
  };
}

/** What the guest libraries adapt sys, os and machine from (sys.platform, os.uname(), Pin constants, ...). */
function portInfo(profile: BoardProfile) {
  const { port } = profile;
  return {
    platform: port.platform,
    release: port.release,
    version: profile.banner.replace(/^MicroPython /, "").replace(/;.*/, ""),
    unameVersion: port.unameVersion,
    machine: profile.banner.replace(/^[^;]*; /, ""),
    mpy: port.mpy,
    pin: port.pins.constants,
    irqType: port.pins.irqType,
    irqArgs: port.pins.irqArgs,
    // shared/runtime/mpirq.c:122-125: rp2's irq type (mp_irq_type) has flags(); the ESP ports' IRQ
    // types only trigger() (esp32 machine_pin.c:444-446, esp8266 :512-514)
    irqFlags: port.pins.irqType === "irq",
    resetCauses: port.resetCauses.constants,
    bootloader: port.bootloader,
    adcRead: port.adc.readBits !== null,
    adc: port.adc.attenWidth?.constants ?? {},
    adcOnePerChannel: port.adc.onePerChannel,
    adcBlock: port.adc.readUvBlock,
    touchPad: port.touchPads.length > 0,
    pwmDuty: port.pwm.model !== "rp2", // extmod/machine_pwm.c:132-134: duty() where MICROPY_PY_MACHINE_PWM_DUTY
    tls: port.tls,
    sysPath: port.sysPath,
    memInfo: port.memInfo,
    absent: port.absent ?? null,
    tableOfSocketType: port.typeTables.socket ?? [], // the socket type's locals table (module-tables.ts): socket.socket.__dict__'s order
    // machine.Pin's locals table: its methods (a name not in it is not the port's: toggle, low, high
    // are rp2's only) and machine.Pin.__dict__'s order; the constants' values are `pin`'s
    tableOfPinType: port.typeTables.Pin ?? [],
  };
}

/** Resolves on the event loop's next turn, or rejects when the signal aborts first. */
function nextTurn(signal: AbortSignal): Promise<null> {
  return abortableWait(signal, (resolve) => {
    const turn = setImmediate(() => resolve(null));
    return () => clearImmediate(turn);
  });
}
