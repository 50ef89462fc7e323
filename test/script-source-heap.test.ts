/**
 * A .py script's text costs it no heap: on the board the lexer reads main.py from the flash a
 * chunk at a time (v1.23.0 shared/runtime/pyexec.c:685-686 pyexec_file, 102-103
 * mp_lexer_new_from_file; extmod/vfs_reader.c:79-108 mp_reader_new_file: a buffer of at most 255
 * bytes), and only the compiled code is in the heap. Here too the lexer reads the script from a
 * file (_flash.py run_source). Before, the text stayed referenced while the script ran (a frame's
 * stale word on the Python stack, python-stack.ts), in boot.py too for a --script main.py: an
 * ESP8266 script of 10 KB, most of it comments, had 10 KB less free heap; later it was compiled
 * from the heap, so a script larger than the free heap could not run.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { Lab } from "boardsim/vitest";
import { bootBoard, type ConsoleRun } from "./support/board-console.ts";

const SCRIPT = "import gc\ngc.collect()\nprint('free', gc.mem_free())\n";
/** The same script followed by about 10 KB of comments (no code: the same bytecode). */
const COMMENTED = SCRIPT + `# ${"a comment that takes the room of a web page's text ".repeat(2)}\n`.repeat(100);
/** A few blocks of the heap: what may differ between two runs of the same code. */
const SLACK = 256;

const freeIn = (text: string) => Number(/free (\d+)/.exec(text)![1]);

/** Enters the raw REPL of `run` (at >>>): then each code sent in raw-paste mode gives what it printed, after the end's \x04. */
async function rawPaster(run: ConsoleRun): Promise<(code: string) => Promise<string>> {
  run.type("\x01");
  await run.take("raw REPL; CTRL-B to exit\r\n>");
  return async (code) => {
    run.type("\x05A\x01");
    await run.take("R\x01\x80\x00\x01");
    run.type(code + "\x04"); // the PC's flow control is not needed here: the console takes it all
    const out = await run.take("\x04>");
    return out.slice(out.indexOf("\x04") + 1); // the window's \x01s, then the end's \x04
  };
}

describe("a script's comments cost it no heap (the board's lexer reads the file from flash)", () => {
  it.each(["esp8266", "esp32", "pico_w"])("%s, a script run (the Lab): gc.mem_free() with 10 KB of comments as without", async (board) => {
    const free = async (source: string) => {
      const lab = new Lab();
      onTestFinished(() => lab.close());
      const b = await lab.addBoard({ name: "b", board, fileName: "main.py", source });
      expect((await b.finished()).kind).toBe("finished");
      return freeIn(b.lines().join("\n"));
    };
    expect(COMMENTED.length).toBeGreaterThan(10_000);
    const plain = await free(SCRIPT);
    expect(Math.abs((await free(COMMENTED)) - plain)).toBeLessThan(SLACK);
  });

  let runs: ConsoleRun[] = [];
  afterEach(() => {
    for (const run of runs) {
      run.serial.close();
      run.board()?.halt();
    }
    runs = [];
  });
  /**
   * gc.mem_free() as boot.py prints it, then main.py (given to run, as --script, or on the flash),
   * then main.py after a soft reset (Ctrl-D at the REPL).
   */
  async function bootFree(board: string, main: string, onFlash: boolean): Promise<number[]> {
    const flashDir = path.join(await mkdtemp(path.join(tmpdir(), "boardsim-flash-")), "flash");
    await mkdir(flashDir);
    await writeFile(path.join(flashDir, "boot.py"), "import gc\ngc.collect()\nprint('boot', gc.mem_free())\n");
    if (onFlash) await writeFile(path.join(flashDir, "main.py"), main);
    const run = await bootBoard(board, onFlash ? { flashDir } : { flashDir, main });
    runs.push(run);
    const boot = await run.take(">>> ");
    run.type("\x04");
    return [Number(/boot (\d+)/.exec(boot)![1]), freeIn(boot), freeIn(await run.take(">>> "))];
  }

  it.each(["esp8266", "esp32", "pico_w"])("%s, the firmware: boot.py, then main.py given to run (--script) or on the flash, at boot and after a soft reset", async (board) => {
    for (const onFlash of [false, true]) {
      const plain = await bootFree(board, SCRIPT, onFlash);
      const commented = await bootFree(board, COMMENTED, onFlash);
      for (const i of [0, 1, 2]) expect(Math.abs(commented[i]! - plain[i]!)).toBeLessThan(SLACK);
    }
  });

  /**
   * The raw REPL's raw-paste mode (mpremote run/exec, pyboard.py FILE, Thonny): do_reader_stdin
   * gives the lexer a reader of the console (v1.23.0 shared/runtime/pyexec.c:266-281,
   * 198-234), so the code's text is never in the heap while it runs. Before, it went into the raw
   * REPL's line, which kept it there: an ESP8266 script of 10 KB had 10 KB less free heap.
   */
  it.each(["esp8266", "pico_w"])("%s, raw-paste mode: gc.mem_free() with 10 KB of comments as without; its bytes as they came; a traceback names <stdin> and its lines", async (board) => {
    const run = await bootBoard(board);
    runs.push(run);
    await run.take(">>> ");
    const paste = await rawPaster(run);
    const plain = freeIn(await paste(SCRIPT));
    expect(Math.abs(freeIn(await paste(COMMENTED)) - plain)).toBeLessThan(SLACK);
    // The code's bytes as they came, as the board's lexer reads them (py/lexer.c does not check UTF-8): Latin-1's ü stays 0xfc.
    expect(await paste("print('\xfc'.encode())\n")).toBe("b'\\xfc'\r\n\x04\x04>");
    expect(await paste("def f():\n    return 1 / 0\n\nf()\n")).toBe(
      '\x04Traceback (most recent call last):\r\n  File "<stdin>", line 4, in <module>\r\n  File "<stdin>", line 2, in f\r\nZeroDivisionError: divide by zero\r\n\x04>',
    );
  });

  /**
   * Larger than the board's whole heap: before, the text went into the heap whole, and the largest
   * commented script an ESP32 ran was 110 KB as a script run (52 KB as a --script main.py or a
   * raw-paste, 104 KB as main.py on the flash); an ESP8266's 36.6 KB (15 KB, 30 KB).
   */
  it.each([
    ["esp32", 300_000],
    ["esp8266", 150_000],
  ])("%s, a script of %i bytes, most of it comments: it runs with the free heap it has without them, as a script run, main.py and a raw-paste", async (board, size) => {
    const big = COMMENTED + `# ${"x".repeat(98)}\n`.repeat((size - COMMENTED.length) / 100);
    expect(big.length).toBeGreaterThan(size - 100);
    const lab = new Lab();
    onTestFinished(() => lab.close());
    const free = async (source: string) => {
      const b = await lab.addBoard({ name: `b${source.length}`, board, fileName: "main.py", source });
      expect((await b.finished()).kind).toBe("finished");
      return freeIn(b.lines().join("\n"));
    };
    const plain = await free(SCRIPT);
    expect(Math.abs((await free(big)) - plain)).toBeLessThan(SLACK);
    for (const onFlash of [false, true]) {
      const [boot, main, again] = await bootFree(board, SCRIPT, onFlash);
      const commented = await bootFree(board, big, onFlash);
      for (const [i, value] of [boot, main, again].entries()) expect(Math.abs(commented[i]! - value!)).toBeLessThan(SLACK);
    }
    const run = await bootBoard(board);
    runs.push(run);
    await run.take(">>> ");
    const paste = await rawPaster(run);
    expect(Math.abs(freeIn(await paste(big)) - freeIn(await paste(SCRIPT)))).toBeLessThan(SLACK);
  });

  /**
   * The run's file is the interpreter's, in a folder of its own (board-repl.ts SOURCE_FILE): no
   * path of the board's filesystem reaches it while the script runs, nor any of the simulator's folders.
   */
  it.each(["esp32", "esp8266"])("%s: a script finds no file of the simulator's, its own text's neither, listing or opening", async (board) => {
    const probe = `import os
found = []
def walk(d):
    for entry in os.ilistdir(d):
        p = d.rstrip("/") + "/" + entry[0]
        found.append(p)
        if entry[1] == 0x4000:
            walk(p)
walk("/")
print("found", sorted(found))
for p in ("/script/text", "script/text", "/script", "//script/text", "/../script/text", "/lib/../../script/text", "/text", "text", "/boardsim", "/boardsim/.source", "/beside", "/tmp"):
    out = []
    for f in (lambda: open(p, "rb"), lambda: os.stat(p), lambda: os.listdir(p)):
        try:
            f()
            out.append("found")
        except OSError as e:
            out.append(e.errno)
    print(p, out)
`;
    const expected = [
      "found ['/boot.py']",
      ...["/script/text", "script/text", "/script", "//script/text", "/../script/text", "/lib/../../script/text", "/text", "text", "/boardsim", "/boardsim/.source", "/beside", "/tmp"].map((p) => `${p} [2, 2, 2]`),
    ];
    /** The probe's lines in `lines` (ENOENT, 2, for each). */
    const probed = (lines: string[]) => lines.slice(lines.findIndex((line) => line.startsWith("found ")), lines.findIndex((line) => line.startsWith("found ")) + expected.length);
    const lab = new Lab();
    onTestFinished(() => lab.close());
    const b = await lab.addBoard({ name: "b", board, fileName: "main.py", source: probe });
    expect((await b.finished()).kind).toBe("finished");
    expect(probed(b.lines())).toEqual(expected);
    // At the console: main.py given (--script), then the same code as a raw-paste.
    const run = await bootBoard(board, { main: probe });
    runs.push(run);
    expect(probed((await run.take(">>> ")).split("\r\n"))).toEqual(expected);
    const paste = await rawPaster(run);
    expect(probed((await paste(probe)).split("\r\n"))).toEqual(expected);
  });

  /** A text of 91 KB given at once stopped the board (the interpreter trapped): a --script main.py, or a raw-paste. */
  it("pico_w: main.py given to run and a raw-paste of 91 KB, most of it comments, run", async () => {
    const big = `# ${"x".repeat(58)}\n`.repeat(1500) + SCRIPT;
    expect(big.length).toBeGreaterThan(90_000);
    const run = await bootBoard("pico_w", { main: big });
    runs.push(run);
    const booted = await run.take(">>> ");
    expect(freeIn(booted)).toBeGreaterThan(150_000);
    run.type("\x01");
    await run.take("raw REPL; CTRL-B to exit\r\n>");
    run.type("\x05A\x01");
    await run.take("R\x01\x80\x00\x01");
    run.type(big + "\x04");
    expect(freeIn(await run.take("\x04>"))).toBeGreaterThan(150_000);
  });
});
