/**
 * A .py script that loops without a host call (`while True: pass`, a tutorial's last lines after
 * setting up a Timer or a Pin.irq) is still reached from outside, as on the board: py/vm.c's
 * pending_exception_check runs at every branch and, with the scheduler pending, calls
 * mp_handle_pending (v1.27.0 1341-1372, v1.23.0 1381-1411), which raises a pending
 * KeyboardInterrupt or runs one scheduled callback (py/scheduler.c mp_sched_run_pending; the
 * ports' Timer and Pin IRQs queue theirs with mp_sched_schedule). The worker's memory is shared and
 * the main thread makes the scheduler pending (attention.ts). Real time (the CLI, a console board):
 * a simulated clock moves only at the script's own calls.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bootBoard, type ConsoleRun } from "./support/board-console.ts";
import { boardsim, killStarted } from "./support/cli.ts";

afterEach(killStarted);
const consoles: ConsoleRun[] = [];
afterEach(() => {
  for (const run of consoles.splice(0)) {
    run.serial.close();
    run.board()?.halt();
  }
});

const TIMER = { esp32: 0, pico_w: -1 } as const;

/** The lead's script: a periodic Timer printing ticks, then a loop whose body is `body`. */
const timerScript = (board: keyof typeof TIMER, body: string) => `from machine import Timer
n = 0
def cb(t):
    global n; n += 1; print("tick", n)
t = Timer(${TIMER[board]}); t.init(period=200, mode=Timer.PERIODIC, callback=cb)
while True:
    ${body}
`;

describe("boardsim run: a .py loop without host calls", () => {
  it.each([
    ["esp32", "pass"],
    ["pico_w", "pass"],
    ["esp32", "x = [1] * 3"],
    ["pico_w", "x = [1] * 3"],
  ] as const)("%s, `%s` in the loop: the Timer's callback prints its ticks; one Ctrl-C stops the loop with KeyboardInterrupt, exit 130", async (board, body) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "boardsim-loop-")), "loop.py");
    writeFileSync(file, timerScript(board, body));
    const run = boardsim("run", "--board", board, "--script", file);
    await run.printed("tick 1\ntick 2\ntick 3\n");
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(130);
    expect(run.stdout()).toMatch(new RegExp(`\\ntick 3\\n(tick \\d+\\n)*Traceback \\(most recent call last\\):\\n  File "${file}", line 7, in <module>\\nKeyboardInterrupt: \\n$`));
  }, 60_000);
});

describe("the REPL console: a loop without host calls", () => {
  const loop = async (run: ConsoleRun) => {
    run.type("while True: pass\r");
    await run.take("... ");
    run.type("\r");
    await run.take("\r\n");
  };

  it("esp32: Ctrl-C during `while True: pass` gives the traceback and the prompt back", async () => {
    const run = await bootBoard("esp32");
    consoles.push(run);
    await run.take(">>> ");
    await loop(run);
    run.type("\x03");
    expect(await run.take(">>> ")).toBe('Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\nKeyboardInterrupt: \r\n>>> ');
  }, 60_000);

  it("esp32: a Pin.irq handler runs on each edge while the loop spins", async () => {
    const run = await bootBoard("esp32");
    consoles.push(run);
    await run.take(">>> ");
    run.type("from machine import Pin; p = Pin(4, Pin.IN); p.irq(handler=lambda p: print('edge', p.value()), trigger=Pin.IRQ_RISING)\r");
    await run.take(">>> ");
    await loop(run);
    run.board().peripherals.setInput(4, 1);
    expect(await run.take("edge 1\r\n")).toBe("edge 1\r\n");
    run.board().peripherals.setInput(4, 0);
    run.board().peripherals.setInput(4, 1);
    expect(await run.take("edge 1\r\n")).toBe("edge 1\r\n");
    run.type("\x03");
    expect(await run.take(">>> ")).toMatch(/KeyboardInterrupt: \r\n>>> $/);
  }, 60_000);
});
