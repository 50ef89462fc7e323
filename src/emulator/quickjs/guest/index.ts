/**
 * The guest library, bundled into one script and run in each board's sandbox before the user's
 * script: installs the builtins and registers the Python-style modules the script imports.
 */
import { strictAttributes } from "./attributes.ts";
import { installBuiltins } from "./builtins.ts";
import { dropped } from "./dropped.ts";
import { caught, oserrorTexts, outOfMemory } from "./exceptions.ts";
import { allocationFailed, boardInfo, call, pace } from "./host.ts";
import machine from "./machine.ts";
import mpython from "./mpython.ts";
import network from "./network.ts";
import select from "./select.ts";
import socket from "./socket.ts";
import sys from "./sys.ts";
import time from "./time.ts";

Object.assign(oserrorTexts, boardInfo.oserror);
installBuiltins();

/**
 * Called every 64th iteration of the user's script's loops (see loop-ticks.ts): every fourth call
 * (256 iterations) polls the board, the others reach the host so that a loop making cyclic garbage
 * gets it collected before the heap fills (board-heap.ts).
 */
let ticks = 0;
function __tick(): void {
  if (++ticks >= 4) {
    ticks = 0;
    call("poll");
  } else pace();
}

/**
 * At the top of every catch block of the user's script (see catch-hooks.ts). First, allocating
 * nothing, it asks whether an allocation just failed, which also gives the guest room to go on in a
 * full heap (board-heap.ts). QuickJS throws null when a full heap had no room even for its
 * out-of-memory error (quickjs.c, JS_ThrowError2); asking on every catch keeps a script's own later
 * `throw null` a null.
 */
function __caught(error: unknown): unknown {
  const failed = allocationFailed();
  if (error === null) return failed ? outOfMemory() : error;
  return caught(error);
}

/**
 * Called by the engine when the script's stack is empty and no promise job is left (engine.ts,
 * settle): while a top-level `await` waits (`waiting`), or, once the script has ended, while its
 * timers run, the board sleeps until a callback is due and runs it, as the firmware's REPL does
 * after a script (.py: _boardsim.py _keep_running_callbacks); Ctrl-C ends the sleep. False: the
 * script ended and no timer runs.
 */
function __idle(waiting: boolean): boolean {
  if (!waiting && !call<boolean>("timersRunning")) return false;
  call("machineLightsleep", null);
  return true;
}

const modules: Record<string, unknown> = { network, socket, select, time, machine, sys };
// Only a board whose firmware ships the module can import it; elsewhere: ImportError.
if (boardInfo.modules.includes("mpython")) modules.mpython = mpython;
// A name a module lacks raises the firmware's AttributeError (docs/micropython-facts.md: rp2's network.AUTH_WPA_WPA2_PSK).
for (const name of Object.keys(modules)) modules[name] = strictAttributes(modules[name] as object, "module");
Object.defineProperty(globalThis, "__modules", { value: modules });
Object.defineProperty(globalThis, "__tick", { value: __tick });
Object.defineProperty(globalThis, "__caught", { value: __caught });
Object.defineProperty(globalThis, "__dropped", { value: dropped });
Object.defineProperty(globalThis, "__idle", { value: __idle });
