import { describe, expect, it } from "vitest";
import { runScript } from "../../../test/support/run-script.ts";

/** What the board's console shows for a script. */
async function consoleOf(source: string): Promise<string> {
  const { output, outcome } = await runScript(source);
  expect(outcome).toEqual({ kind: "finished" });
  return output;
}

describe("print formats values like MicroPython", () => {
  it("prints None, booleans, numbers and strings separated by one space", async () => {
    expect(await consoleOf(`print(null, undefined, true, false, 42, -7, "text")`)).toBe("None None True False 42 -7 text\n");
  });

  it("prints floats as the boards' single-precision %.7g", async () => {
    expect(await consoleOf(`print(2.5, 1/3, 0.1, 123456.789, 12345678.5, 0.00001, -1.5e-7)`)).toBe(
      "2.5 0.3333333 0.1 123456.8 1.234568e+07 1e-05 -1.5e-07\n",
    );
  });

  it("prints bytes as b'...' with Python's escapes and quote choice", async () => {
    const out = await consoleOf(`
      print(bytes.from([104, 105, 10, 13, 9, 0, 255, 92]));
      print("it's".encode());
      print("say \\"hi\\" it's".encode());
      print(new bytes(0));
    `);
    expect(out).toBe(`b'hi\\n\\r\\t\\x00\\xff\\\\'\nb"it's"\nb'say "hi" it\\'s'\nb''\n`);
  });

  it("prints bytes among other values, a slice of bytes, with sep and end as given", async () => {
    const out = await consoleOf(`print("got", bytes.from([1, 2, 39, 65]).subarray(1), 7, new bytes(0), { sep: "|", end: "!\\n" })`);
    expect(out).toBe(`got|b"\\x02'A"|7|b''!\n`);
  });

  it("prints every byte value, quotes, backslashes and CR LF as repr(bytes) does, alone (print(data)) and among other values", async () => {
    // Expected: CPython's repr() of the same bytes, whose rules mp_str_print_quoted follows (py/objstr.c).
    const all = "b'\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0c\\r\\x0e\\x0f\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f !\"#$%&\\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\\x7f\\x80\\x81\\x82\\x83\\x84\\x85\\x86\\x87\\x88\\x89\\x8a\\x8b\\x8c\\x8d\\x8e\\x8f\\x90\\x91\\x92\\x93\\x94\\x95\\x96\\x97\\x98\\x99\\x9a\\x9b\\x9c\\x9d\\x9e\\x9f\\xa0\\xa1\\xa2\\xa3\\xa4\\xa5\\xa6\\xa7\\xa8\\xa9\\xaa\\xab\\xac\\xad\\xae\\xaf\\xb0\\xb1\\xb2\\xb3\\xb4\\xb5\\xb6\\xb7\\xb8\\xb9\\xba\\xbb\\xbc\\xbd\\xbe\\xbf\\xc0\\xc1\\xc2\\xc3\\xc4\\xc5\\xc6\\xc7\\xc8\\xc9\\xca\\xcb\\xcc\\xcd\\xce\\xcf\\xd0\\xd1\\xd2\\xd3\\xd4\\xd5\\xd6\\xd7\\xd8\\xd9\\xda\\xdb\\xdc\\xdd\\xde\\xdf\\xe0\\xe1\\xe2\\xe3\\xe4\\xe5\\xe6\\xe7\\xe8\\xe9\\xea\\xeb\\xec\\xed\\xee\\xef\\xf0\\xf1\\xf2\\xf3\\xf4\\xf5\\xf6\\xf7\\xf8\\xf9\\xfa\\xfb\\xfc\\xfd\\xfe\\xff'";
    const out = await consoleOf(String.raw`
      const all = new bytes(256);
      for (let i = 0; i < 256; i++) all[i] = i;
      print(all);
      print("all:", all, { end: "|\n" });
      print(all.subarray(39, 40));
      print("it's \\ \"q\" \r\n".encode());
      print("only \"double\"".encode());
      print(bytes.from([92, 0x7f, 0x80, 0xe9]), new bytes(0));
      print(new bytes(3000).fill(0xff).subarray(0, 2999));
    `);
    expect(out.split("\n")).toEqual([all, `all: ${all}|`, `b"'"`, "b'it\\'s \\\\ \"q\" \\r\\n'", "b'only \"double\"'", "b'\\\\\\x7f\\x80\\xe9' b''", `b'${"\\xff".repeat(2999)}'`, ""]);
  });

  it("prints a bytes repr longer than the host's 4096-byte step whole, its quotes chosen from all of it", async () => {
    // 9000 bytes, every value but '"', so one ' (in every 256) makes the repr use " (py/objstr.c, mp_str_print_quoted).
    const out = await consoleOf(`const b = new bytes(9000); for (let i = 0; i < 9000; i++) b[i] = i % 256 === 0x22 ? 0x41 : i % 256; print(b); print(b.subarray(0, 4097))`);
    const text = (c: number) => (c === 0x22 || c === 0x5c ? "\\" + String.fromCharCode(c) : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : c === 9 ? "\\t" : c === 10 ? "\\n" : c === 13 ? "\\r" : "\\x" + c.toString(16).padStart(2, "0"));
    const repr = (n: number) => `b"${Array.from({ length: n }, (_, i) => text(i % 256 === 0x22 ? 0x41 : i % 256)).join("")}"`;
    expect(out).toBe(`${repr(9000)}\n${repr(4097)}\n`);
  });

  it("prints non-ASCII text as it is: Latin-1, wider characters and emoji, alone and among other values", async () => {
    expect(await consoleOf(`print("café"); print("ÿ", "naïve", 1); print("中文 ✓ 😀"); print("é" + "x".repeat(600))`)).toBe(
      `café\nÿ naïve 1\n中文 ✓ 😀\né${"x".repeat(600)}\n`,
    );
  });

  it("prints a NUL character as it is, in short, wide and long strings (MicroPython's str has a length: py/objstr.c str_print)", async () => {
    expect(await consoleOf(`print("a\\x00b"); print("é\\x00", "中\\x00文"); const a = "x".repeat(600); print(a + "\\x00" + a)`)).toBe(
      `a\x00b\né\x00 中\x00文\n${"x".repeat(600)}\x00${"x".repeat(600)}\n`,
    );
    // Through the host and back: encode() and decode() keep it too.
    expect(await consoleOf(`const b = "a\\x00b".encode(); print(b, len(b), repr(b.decode()), b.decode() === "a\\x00b")`)).toBe("b'a\\x00b' 3 'a\\x00b' True\n");
  });

  it("prints tuples as (a, b), one-tuples as (a,), arrays as lists, strings inside them quoted", async () => {
    expect(await consoleOf(`print(tuple("192.168.1.5", 52344), tuple("x"), ["a", 1, [true]], tuple())`)).toBe(
      "('192.168.1.5', 52344) ('x',) ['a', 1, [True]] ()\n",
    );
  });

  it("takes sep and end keyword arguments as a trailing options object", async () => {
    expect(await consoleOf(`print("Connection WiFi", { end: "" }); print(".", { end: "" }); print(""); print(1, 2, { sep: "-" })`)).toBe(
      "Connection WiFi.\n1-2\n",
    );
  });

  it("raises UnicodeError for invalid UTF-8 in bytes.decode(), and decodes valid text after it", async () => {
    expect(await consoleOf(`try { bytes.from([0xff]).decode(); } catch (e) { print(e instanceof UnicodeError); } print("héllo".encode().decode())`)).toBe(
      "True\nhéllo\n",
    );
  });

  it("round-trips UTF-8 through str.encode() and bytes.decode(), and len counts what Python counts", async () => {
    expect(await consoleOf(`const b = "héllo".encode(); print(len(b), b.decode(), len("héllo"))`)).toBe("6 héllo 5\n");
  });
});

describe("exceptions", () => {
  it("OSError prints [Errno N] NAME from the board's table; other numbers bare", async () => {
    expect(await consoleOf(`print(new OSError(104)); print(new OSError(106)); print(new OSError("Wifi Internal Error"))`)).toBe(
      "[Errno 104] ECONNRESET\n106\nWifi Internal Error\n",
    );
  });

  it("a bare catch catches the board's exceptions, with errno and args", async () => {
    const out = await consoleOf(`
      import socket from "socket";
      const s = socket.socket();
      s.close();
      try { s.recv(10); } catch (e) { print(e instanceof OSError, (e as OSError).errno, (e as OSError).args); }
      try { s.send(123 as never); } catch (e) { print(e); }
    `);
    expect(out).toBe("True 9 [9]\nobject with buffer protocol required\n");
  });

  it("an uncaught exception prints a MicroPython traceback with the script's own TS lines", async () => {
    const { output, outcome } = await runScript(
      [
        "import socket from 'socket';",
        "type Conn = ReturnType<typeof socket.socket>;",
        "function readFrom(conn: Conn): void {",
        "  conn.recv(1024);",
        "}",
        "const s = socket.socket();",
        "readFrom(s);",
      ].join("\n"),
    );
    expect(outcome.kind).toBe("raised");
    expect(output).toBe(
      [
        "Traceback (most recent call last):",
        '  File "main.ts", line 7, in <module>',
        '  File "main.ts", line 4, in readFrom',
        "OSError: [Errno 107] ENOTCONN",
        "",
      ].join("\n"),
    );
  });

  it("turns JS errors into their Python kinds", async () => {
    expect((await runScript(`notDefined();`)).output).toMatch(/NameError: name 'notDefined' isn't defined\n$/);
    expect((await runScript(`let w: any = null; w.disconnect();`)).output).toMatch(/AttributeError: 'NoneType' object has no attribute 'disconnect'\n$/);
  });

  it("a socket's misspelt method raises the firmware's AttributeError, not the engine's 'not a function'", async () => {
    const { output } = await runScript(`import socket from "socket";\nconst s: any = socket.socket();\nprint(s.fd >= 0);\ns.conect(["192.168.1.1", 80]);`);
    expect(output).toMatch(/^True\nTraceback \(most recent call last\):\n  File "main.ts", line 4, in <module>\nAttributeError: 'socket' object has no attribute 'conect'\n$/);
  });

  it("a module's missing name raises the firmware's AttributeError", async () => {
    const { output } = await runScript(`import time from "time";\nconst t: any = time;\nt.sleep_msec(10);`);
    expect(output).toMatch(/AttributeError: 'module' object has no attribute 'sleep_msec'\n$/);
  });
});

describe("time", () => {
  it("sleep blocks the script for at least the time asked", async () => {
    const out = await consoleOf(`
      import time from "time";
      const start = time.ticks_ms();
      time.sleep(0.2);
      time.sleep_ms(50);
      const waited = time.ticks_diff(time.ticks_ms(), start);
      print(waited >= 250, waited < 5000);
    `);
    expect(out).toBe("True True\n");
  });

  it("ticks_diff handles wrap-around like the firmware", async () => {
    expect(await consoleOf(`import time from "time"; print(time.ticks_diff(5, 2**30 - 5), time.ticks_add(2**30 - 1, 2))`)).toBe("10 1\n");
  });
});

describe("the sandbox", () => {
  it("reaches nothing of Node: no require, process, fs or host globals", async () => {
    const out = await consoleOf(`
      const g = globalThis as any;
      print(typeof g.require, typeof g.process, typeof g.Buffer, typeof g.__host, typeof g.setTimeout);
    `);
    expect(out).toBe("undefined undefined undefined undefined undefined\n");
  });

  it("cannot import Node modules or anything the board does not have", async () => {
    await expect(runScript(`import fs from "fs"; print(fs);`)).rejects.toThrow(/main.ts:1:\d+: Could not resolve "fs"/);
    await expect(runScript(`import nothing from "nothing"; print(nothing);`)).rejects.toThrow(/Could not resolve "nothing"/);
  });

  it("shows a board function's text as a built-in's, not the library's code; the script's own functions keep theirs", async () => {
    const out = await consoleOf(`
      import socket from "socket";
      import time from "time";
      function mine(a: number) { return a + 1; }
      for (const f of [print, socket.socket, time.sleep_ms]) print(String(f).includes("[native code]"), String(f).length < 60);
      print(String(mine).includes("return a + 1"));
    `);
    expect(out).toBe("True True\nTrue True\nTrue True\nTrue\n");
  });
});
