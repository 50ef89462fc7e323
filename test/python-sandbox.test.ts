/**
 * The .py sandbox: a catalogue of ways out a student's script might try. Each attempt tries to
 * create a file on the PC (a path unique to the attempt, in a fresh temp folder), by writing it or
 * by running `touch`. The test asserts what an escape would leave behind: the file must not exist,
 * and the board must report a Python exception (a traceback), not crash or finish.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runScript } from "./support/run-script.ts";

const DIR = mkdtempSync(path.join(tmpdir(), "boardsim-escape-"));

/** What each attempt does with whatever it reached (`node` below): write the file, and run `touch`. */
const USE = `
def use(node):
    node.getBuiltinModule("fs").writeFileSync(P, "escaped")
    node.getBuiltinModule("child_process").execSync("touch " + P)

def code(fn, text):
    # a JavaScript function's constructor (Function) compiles code from a string
    return fn.constructor(text)()
`;

/** A JsProxy at any index of the glue's proxy table, forged in memory with uctypes. */
const FORGE = `
import uctypes, sys
sys.modules.pop("js", None)
import js
real = js.Object  # a JsProxy: its type, then its index in the table
def forge(ref):
    fake = bytearray(uctypes.bytearray_at(id(real), 8))
    fake[4:8] = ref.to_bytes(4, "little")
    holder = [None]
    items = uctypes.bytearray_at(id(holder) + 12, 4)
    items_at = int.from_bytes(items, "little")
    uctypes.bytearray_at(items_at, 4)[:] = uctypes.addressof(fake).to_bytes(4, "little")
    return holder[0]
`;

/** The bridge's functions, found in the glue's proxy table (as JsProxy objects). */
const BRIDGE = `import sys
sys.modules.pop("js", None)
import js
def has(o, name):
    return type(o).__name__ == "JsProxy" and js.Object.keys(o).includes(name)
b = [js.proxy_js_ref[i] for i in range(js.proxy_js_ref.length) if has(js.proxy_js_ref[i], "call")][0]
`;

const ATTEMPTS: Record<string, string> = {
  "del sys.modules['js'], import js, process": `import sys\ndel sys.modules["js"]\nimport js\nuse(js.process)`,
  "sys.modules.pop('js'), globalThis.process": `import sys\nsys.modules.pop("js")\nimport js\nuse(js.globalThis.process)`,
  "sys.modules.clear(), import js": `import sys\nsys.modules.clear()\nimport js\nuse(js.process)`,
  "__import__('js') after del": `import sys\ndel sys.modules["js"]\nuse(__import__("js").process)`,
  "builtins.__import__('js')": `import sys, builtins\ndel sys.modules["js"]\nuse(builtins.__import__("js").process)`,
  "exec of a code string importing js": `exec("import sys\\ndel sys.modules['js']\\nimport js\\nuse(js.process)")`,
  "eval of __import__": `import sys\ndel sys.modules["js"]\nuse(eval("__import__('js')").process)`,
  "compile + exec": `import sys\ndel sys.modules["js"]\nexec(compile("import js\\nuse(js.process)", "x", "exec"))`,
  "jsffi: create_proxy's constructor": `import sys\ndel sys.modules["jsffi"]\nimport jsffi\nuse(code(jsffi.create_proxy(lambda: 0), "return process"))`,
  "jsffi: to_js of a function": `import sys\ndel sys.modules["jsffi"]\nimport jsffi\nuse(code(jsffi.to_js(lambda: 0), "return process"))`,
  "Function constructor from js": `import sys\ndel sys.modules["js"]\nimport js\nuse(js.Function("return process")())`,
  "js.eval": `import sys\ndel sys.modules["js"]\nimport js\nuse(js.eval("process"))`,
  "globalThis.constructor.constructor": `import sys\ndel sys.modules["js"]\nimport js\nuse(code(js.globalThis.constructor, "return process"))`,
  "Reflect.construct(Function)": `import sys\ndel sys.modules["js"]\nimport js\nuse(js.Reflect.construct(js.Function, js.Array.of("return process"))())`,
  "async function constructor": `import sys\ndel sys.modules["js"]\nimport js\nF = js.Object.getPrototypeOf(js.loadMicroPython).constructor\nuse(F("return process"))`,
  "the emscripten Module object": `import sys\ndel sys.modules["js"]\nimport js\nuse(code(js.Module.ccall, "return process"))`,
  "a mounted host file system": `import sys\ndel sys.modules["js"]\nimport js\nfs = js.Module.FS\nfs.mkdir("/host")\nfs.mount(fs.filesystems.NODEFS, js.Object.fromEntries([["root", "${"/"}"]]), "/host")\nopen("/host" + P, "w").write("x")`,
  "the proxy table on globalThis": `import sys\ndel sys.modules["js"]\nimport js\nfor i in range(js.proxy_js_ref.length):\n    o = js.proxy_js_ref[i]\n    if type(o).__name__ != "JsProxy":\n        continue\n    try:\n        use(code(o, "return process"))\n    except Exception:\n        pass\nraise OSError("not reached")`,
  "import _boardsim_js after del": `import sys\ndel sys.modules["_boardsim_js"]\nimport _boardsim_js\nuse(code(_boardsim_js.call, "return process"))`,
  "_boardsim_js via the proxy table": `${BRIDGE}use(code(b.call, "return process"))`,
  "a host-side error object from the bridge": `${BRIDGE}try:\n    b.reply(-1)\nexcept Exception as e:\n    use(code(e.args[0], "return process"))\nraise OSError("no error")`,
  "bridge arguments with hostile toString": `${BRIDGE}class S:\n    def __str__(self):\n        return "write"\nb.call(S(), S())\nraise OSError("accepted")`,
  "Error.prepareStackTrace (a V8 hook)": `import sys\ndel sys.modules["js"]\nimport js\ndef pst(err, trace):\n    for i in range(trace.length):\n        f = trace[i].getFunction()\n        if f:\n            use(code(f, "return process"))\n    return ""\njs.Error.prepareStackTrace = pst\nimport socket\nsocket.socket().close()\njs.Error("x").stack\nraise OSError("no frame reached")`,
  "replacing the global Error": `import sys\ndel sys.modules["js"]\nimport js\njs.globalThis.Error = js.Object.fromEntries(js.Array.of(js.Array.of("prepareStackTrace", lambda e, t: use(code(t[1].getFunction(), "return process")))))\njs.Array.of(1).at(js.Symbol())\nraise OSError("no frame reached")`,
  "Promise.then hijack": `import sys\ndel sys.modules["js"]\nimport js\ndef then(resolve, reject):\n    use(code(resolve, "return process"))\njs.Promise.prototype.then = then\nimport socket\nsocket.socket().close()\nraise OSError("not called")`,
  "uctypes: a forged ref to each object in the table, its process": `${FORGE}\nfor ref in range(js.proxy_js_ref.length):\n    if type(js.proxy_js_ref[ref]).__name__ != "JsProxy":\n        continue\n    try:\n        use(forge(ref).process)\n    except AttributeError:\n        pass\nraise OSError("nothing reached")`,
  "uctypes: a forged ref's constructor chain": `${FORGE}\nuse(code(forge(1), "return process"))`,
  "uctypes: forged globalThis.require": `${FORGE}\nuse(forge(0).require("process"))`,
  "uctypes: a forged ref to each bridge function": `${FORGE}\n${BRIDGE}\nbref = [r for r in range(js.proxy_js_ref.length) if has(js.proxy_js_ref[r], "call")][0]\nfor name in ("call", "reply", "blob", "finish"):\n    try:\n        use(getattr(forge(bref), name).process)\n    except AttributeError:\n        pass\nuse(code(forge(bref).call, "return process"))`,
  "bridge: reply() far outside the heap": `${BRIDGE}\nb.reply(2 ** 40)\nraise OSError("accepted")`,
  "bridge: call() with bytes outside the heap": `${BRIDGE}\nb.call("write", '[{"__b": [0, 1000000000]}]')\nraise OSError("accepted")`,
  "attribute walk: __class__ / __dict__ of _host": `import _host\nfor name, v in _host.__dict__.items():\n    for attr in ("process", "constructor"):\n        try:\n            use(getattr(v, attr))\n        except Exception:\n            pass\nraise OSError("nothing reached")`,
  "attribute walk: __class__.__bases__ of the blocked js": `import js\nt = js.__class__\nfor b in t.__bases__:\n    use(b.process)`,
  "_boardsim module: its sys, its blocked modules": `import _boardsim\nm = _boardsim.sys.modules\nfor k in ("js", "jsffi", "_boardsim_js"):\n    m.pop(k)\nimport js\nuse(js.process)`,
  "_host._bridge with jsffi": `import _host, sys\ndel sys.modules["jsffi"]\nimport jsffi\nuse(code(jsffi.create_proxy(_host._bridge), "return process"))`,
  "os.system": `import os\nos.system("touch " + P)`,
  "open() of a host path": `open(P, "w").write("escaped")`,
  "os.mkdir of a host path": `import os\nos.mkdir(P)`,
  "os.listdir of the host's /": `import os\nif "etc" in os.listdir("/") and "proc" in os.listdir("/"):\n    use(None)\nraise OSError("no host /")`,
  "config, machine, network, socket modules": `import config, machine, network, socket\nfor m in (config, machine, network, socket):\n    for name in dir(m):\n        v = getattr(m, name)\n        try:\n            use(code(v, "return process"))\n        except Exception:\n            pass\nraise OSError("nothing reached")`,
};

describe("the .py sandbox: a script cannot reach the PC", () => {
  it("tries at least 30 ways out", () => {
    expect(Object.keys(ATTEMPTS).length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(ATTEMPTS).map(([name, attempt], i) => [name, attempt, i] as const))("%s", async (_name, attempt, i) => {
    const marker = path.join(DIR, `attempt-${i}`);
    const source = `P = ${JSON.stringify(marker)}\n${USE}\n${attempt}\n`;
    const { output, outcome } = await runScript(source, "esp32", "main.py");
    if (process.env.SHOW) console.log(i, _name, JSON.stringify(output.split("\n").slice(-3)));
    expect(existsSync(marker)).toBe(false);
    expect(outcome.kind, output).toBe("raised");
    // A traceback, or the exception line alone (the interpreter's fatal error: the script broke it).
    expect(output).toMatch(/^(Traceback \(most recent call last\):\n(.*\n)*)?\w+(: .*)?\n$/);
  });

  // The bridge's call was in the frozen drivers' globals (dht._call, onewire._call, ...) and a file's
  // attributes (open(...)._call): a script called any host call by name, and this file tested the
  // host's refusal of names it does not own through it (now src/emulator/host/table.spec.ts's).
  it("a script reaches no host call: not through a frozen driver, a C module's names, nor a file", async () => {
    const { output } = await runScript(
      `import dht, ds18x20, onewire, neopixel, tls, esp, esp32
for m in (dht, ds18x20, onewire, neopixel, tls, esp, esp32, open("f", "w")):
    print(hasattr(m, "_call"), [n for n in dir(m) if n.startswith("_") and not n.endswith("__") and n != "_ow"])
`,
      "esp32",
      "main.py",
    );
    expect(output).toBe("False []\n".repeat(8));
  });
});
