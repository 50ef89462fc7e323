/**
 * The interpreter's table of built-in modules without the port's bridges to JavaScript.
 *
 * The webassembly port registers `js` and `jsffi` in its built-in module table (py/objmodule.c
 * mp_builtin_module_map, v1.27.0 148-153, from MP_REGISTER_MODULE lines). The library keeps a
 * script's imports of them out (_boardsim.py), but the REPL's tab completion offers every name the
 * table holds after "import " (py/repl.c 300-304, test_qstr 157-170): `import j<Tab>` showed `js`,
 * a name no board has. So their entries' keys become the empty name's: no import looks it up, and
 * completion passes it over (find_completions starts after MP_QSTR_, 180). The table is constant
 * data in the WebAssembly memory, below the heap; the snapshot taken after this keeps the change.
 */

/**
 * In `memory` below `end` (the heap's start): the entries whose values are the modules `hidden`
 * (by id()) take the key `empty` (id("")). An entry is two words, its key a qstr (py/obj.h, object
 * representation A: qstr << 3 | 2), its value the module's address.
 */
export function hideBuiltinModules(memory: Int32Array, end: number, empty: number, hidden: readonly number[]): void {
  for (const module of hidden) {
    const found: number[] = [];
    for (let i = 0; i + 1 < end >> 2; i += 2) if (memory[i + 1] === module && (memory[i]! & 7) === 2) found.push(i);
    if (found.length !== 1) throw new Error(`MicroPython: cannot find a built-in module's entry (${found.length} candidates)`);
    memory[found[0]!] = empty;
  }
}
