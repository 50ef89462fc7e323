/**
 * The ESP8266's feature level: ports/esp8266/mpconfigport.h v1.23.0:26-43 turn off what py/mpconfig.h's
 * EXTRA_FEATURES level has (and the default board, boards/ESP8266_GENERIC/mpconfigboard.h, turns none
 * back on); the ESP32 (ports/esp32/mpconfigport.h:16) and rp2 (ports/rp2/mpconfigport.h:62) keep the
 * level whole. A name the firmware is built without is absent, as the interpreter's errors say for
 * any absent name (py/runtime.c:242 NameError, 1232-1240 AttributeError). Paths relative to the
 * micropython repository at tag v1.23.0.
 */
import { describe, expect, it } from "vitest";
import { Lab } from "../src/testing/index.ts";

/** `source` as main.py on a fresh `board`: what it printed, without the banner. */
async function printed(board: string, source: string): Promise<string[]> {
  const b = await new Lab({ timing: "fast" }).addBoard({ name: "b", board, fileName: "main.py", source });
  await b.finished();
  return b.lines().slice(2);
}

/** Each expression's value, or its exception's type and message. */
const TRY = `def t(code):
    try:
        print(code, "->", repr(eval(code)))
    except Exception as e:
        print(code, "!!", type(e).__name__ + ":", e)
`;

const BUILTINS = ["complex", "execfile", "compile", "NotImplemented"];
const STR = ["''.center(3)", "b'a'.partition(b'a')", "bytearray(b'a\\nb').splitlines()", "'a.b'.rpartition('.')"];

describe("the ESP8266 is built without what mpconfigport.h turns off", () => {
  // py/modbuiltins.c:617-619 (COMPLEX), 664-666 (NOTIMPLEMENTED), 674-676 (COMPILE), 687-689 (EXECFILE):
  // not in builtins' table, so a NameError (py/runtime.c:242) and not in dir(builtins).
  it("esp8266: complex, execfile, compile, NotImplemented are not defined", async () => {
    const lines = await printed("esp8266", `${TRY}import builtins\nfor n in ${JSON.stringify(BUILTINS)}:\n    t(n)\n    print(n in dir(builtins), hasattr(builtins, n))\n`);
    expect(lines).toEqual(BUILTINS.flatMap((n) => [`${n} !! NameError: name '${n}' isn't defined`, "False False"]));
  });

  // py/objstr.c:2089-2110: splitlines, partition, rpartition, center are out of the one table that str's,
  // bytes' and bytearray's methods are windows of (2140-2157); the others stay.
  it("esp8266: str, bytes and bytearray have no center, partition, rpartition, splitlines", async () => {
    const lines = await printed(
      "esp8266",
      `${TRY}for c in ${JSON.stringify(STR)}:\n    t(c)\nprint([n for n in ("center", "partition", "rpartition", "splitlines") if n in dir(str) or n in dir(bytes) or n in dir(bytearray)])\n` +
        `print('a b'.split(), 'a'.encode(), b'a'.decode(), bytearray(b'ab').upper(), bytes.fromhex('61'), 'ab'.endswith('b'), b'x'.hex(), str.lower('A'))\n`,
    );
    expect(lines).toEqual([
      "''.center(3) !! AttributeError: 'str' object has no attribute 'center'",
      "b'a'.partition(b'a') !! AttributeError: 'bytes' object has no attribute 'partition'",
      "bytearray(b'a\\nb').splitlines() !! AttributeError: 'bytearray' object has no attribute 'splitlines'",
      "'a.b'.rpartition('.') !! AttributeError: 'str' object has no attribute 'rpartition'",
      "[]",
      "['a', 'b'] b'a' a bytearray(b'AB') b'a' True 78 a",
    ]);
  });

  // py/modbuiltins.c:366-380: without POW3 pow() still takes 2 or 3 arguments (mp_arg_check_num_sig's
  // messages, py/argcheck.c), the third refused.
  it("esp8266: pow(2, 3, 5) is NotImplementedError", async () => {
    const lines = await printed("esp8266", `${TRY}for c in ("pow(2, 3, 5)", "pow(2, 3)", "pow(2)", "pow(2, 3, 5, 6)", "pow"):\n    t(c)\n`);
    expect(lines).toEqual([
      "pow(2, 3, 5) !! NotImplementedError: 3-arg pow() not supported",
      "pow(2, 3) -> 8",
      "pow(2) !! TypeError: function missing 1 required positional arguments",
      "pow(2, 3, 5, 6) !! TypeError: function expected at most 3 arguments, got 4",
      "pow -> <function>",
    ]);
  });

  // The uncaught error's traceback is the script's line alone, as the firmware's C pow() adds no frame.
  it("esp8266: pow(2, 3, 5) uncaught: the firmware's traceback", async () => {
    const lines = await printed("esp8266", "x = 2\npow(x, 3, 5)\n");
    expect(lines.slice(0, 3)).toEqual(["Traceback (most recent call last):", '  File "main.py", line 2, in <module>', "NotImplementedError: 3-arg pow() not supported"]);
  });

  // py/modmath.c:370-429 (CONSTANTS: tau, inf, nan; SPECIAL_FUNCTIONS; ISCLOSE; FACTORIAL), extmod/modrandom.c:234-249
  // (RANDOM_EXTRA_FUNCS: only getrandbits and seed), extmod/modbinascii.c:194-196 (CRC32), py/modsys.c:252-255 (PS1_PS2).
  it("esp8266: math, random, binascii and sys lack the names; the others stay", async () => {
    const lines = await printed(
      "esp8266",
      `import math, random, binascii, sys\n` +
        `for m, names in ((math, ("tau", "inf", "nan", "isclose", "factorial", "log10", "log2", "expm1", "cosh", "sinh", "tanh", "acosh", "asinh", "atanh", "erf", "erfc", "gamma", "lgamma")), (random, ("randint", "randrange", "choice", "random", "uniform")), (binascii, ("crc32",)), (sys, ("ps1", "ps2"))):\n` +
        `    print([n for n in names if hasattr(m, n) or n in dir(m)])\n` +
        `try:\n    random.randint(1, 2)\nexcept AttributeError:\n    print("AttributeError")\n` +
        `print(math.pi, math.e, math.sqrt(4), math.log(1), math.trunc(1.5), random.getrandbits(1) < 2, random.seed(1), binascii.hexlify(b'a'))\n` +
        `print(dir(random))\n`,
    );
    expect(lines).toEqual([
      "[]",
      "[]",
      "[]",
      "[]",
      "AttributeError",
      "3.14159 2.71828 2.0 0.0 1 True None b'61'",
      "['__class__', '__init__', '__name__', '__dict__', 'getrandbits', 'seed']",
    ]);
  });

  // py/objfun.c:328-354 (mp_obj_fun_bc_attr), objclosure.c:81-88, objgenerator.c:73-77, objboundmeth.c:108-130:
  // without MICROPY_PY_FUNCTION_ATTRS those types have no attr slot; __class__ stays (py/runtime.c).
  it.each([
    ["esp8266", ["f.__name__ !! AttributeError: 'function' object has no attribute '__name__'", "f.__globals__ is globals() !! AttributeError: 'function' object has no attribute '__globals__'", "g.__name__ !! AttributeError: 'generator' object has no attribute '__name__'", "mk(1).__name__ !! AttributeError: 'closure' object has no attribute '__name__'", "C().m.__name__ !! AttributeError: 'bound_method' object has no attribute '__name__'"]],
    ["esp32", ["f.__name__ -> 'f'", "f.__globals__ is globals() -> True", "g.__name__ -> 'g'", "mk(1).__name__ -> '<lambda>'", "C().m.__name__ -> 'm'"]],
  ])("%s: a function's __name__ and __globals__", async (board, expected) => {
    const lines = await printed(
      board,
      `${TRY}def f():
    pass
def g():
    yield
def mk(x):
    return lambda: x
class C:
    def m(self):
        pass
` +
        `for c in ("f.__name__", "f.__globals__ is globals()", "g.__name__", "mk(1).__name__", "C().m.__name__", "f.__class__"):
    t(c)
`,
    );
    expect(lines).toEqual([...expected, "f.__class__ -> <class 'function'>"]);
  });

  it("esp8266: a soft reset keeps the firmware's level", async () => {
    const lines = await printed(
      "esp8266",
      `import os, machine\nprint(hasattr("", "center"), "randint" in dir(__import__("random")))\n` +
        `if "again" not in os.listdir():\n    open("again", "w").close()\n    machine.soft_reset()\n`,
    );
    expect(lines.filter((l) => l.startsWith("True") || l.startsWith("False"))).toEqual(["False False", "False False"]);
  });

  // The control: the ESP32 has them all (EXTRA_FEATURES level, ports/esp32/mpconfigport.h:16).
  it("esp32: all of them are there", async () => {
    const lines = await printed(
      "esp32",
      `${TRY}import math, random, binascii, sys\nfor c in ("pow(2, 3, 5)", "''.center(3)", "'a.b'.partition('.')", "random.randint(1, 1)", "math.isclose(1, 1)", "math.log10(100)", "binascii.crc32(b'a')", "sys.ps1", "complex(1, 2)", "NotImplemented", "callable(compile)", "callable(execfile)"):\n    t(c)\n`,
    );
    expect(lines).toEqual([
      "pow(2, 3, 5) -> 3",
      "''.center(3) -> '   '",
      "'a.b'.partition('.') -> ('a', '.', 'b')",
      "random.randint(1, 1) -> 1",
      "math.isclose(1, 1) -> True",
      "math.log10(100) -> 2.0",
      "binascii.crc32(b'a') -> 3904355907",
      "sys.ps1 -> '>>> '",
      "complex(1, 2) -> (1+2j)",
      "NotImplemented -> NotImplemented",
      "callable(compile) -> True",
      "callable(execfile) -> True",
    ]);
  });
});
