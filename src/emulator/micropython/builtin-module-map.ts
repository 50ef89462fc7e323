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

/** A built-in module table's mp_map_t (its word index) as the interpreter has it and with the board's modules added. */
export interface ModuleTable {
  readonly map: number;
  readonly own: readonly number[];
  readonly offered: readonly number[];
}

/**
 * The board's C modules in the tables completion reads (py/repl.c v1.23.0 157-170, 294-298: after
 * "import ", Tab offers the names of the built-in module tables): the interpreter's tables have none
 * of the board's own (machine, network, socket are this library's Python), so `import m<Tab>` never
 * offered machine. A table (mp_builtin_module_map or mp_builtin_extensible_module_map,
 * py/objmodule.c: a constant mp_map_t, ordered, every key a qstr) is the one below `end` whose
 * entries hold the modules `known`; its copy in `room` (malloc'd, 8 bytes per entry) has those of
 * its entries whose keys `added` has (the board's: not esp8266's cmath, the interpreter's own),
 * then the rest of `added`, each [key, module] (a qstr object, an address; others than qstrs are
 * left out). The copy is in place only while the REPL completes (useModuleTable):
 * imports go on as before, through the library's hook (_boardsim.py), where a name in the
 * non-extensible table would be found before a student's file (py/builtinimport.c).
 */
export function offerBoardModules(memory: Int32Array, end: number, known: readonly number[], added: readonly (readonly [key: number, module: number])[], room: { address: number; entries: number }): ModuleTable {
  const maps: number[] = [];
  for (let i = 0; i + 2 < end >> 2; i++) {
    const used = memory[i + 1]!;
    const table = memory[i + 2]! >> 2;
    // mp_map_t's first word: all_keys_are_qstrs, is_fixed, is_ordered (bits 0-2), then used (py/obj.h).
    if (used <= 0 || memory[i] !== ((used << 3) | 7) || table <= 0 || table + 2 * used > end >> 2) continue;
    const values = new Set(Array.from({ length: used }, (_, e) => memory[table + 2 * e + 1]));
    if (known.every((module) => values.has(module))) maps.push(i);
  }
  if (maps.length !== 1) throw new Error(`MicroPython: cannot find a built-in module table (${maps.length} candidates)`);
  const map = maps[0]!;
  const old = memory[map + 2]! >> 2;
  const board = new Set(added.map(([key]) => key));
  const own = Array.from({ length: memory[map + 1]! }, (_, e) => [memory[old + 2 * e]!, memory[old + 2 * e + 1]!] as const);
  const kept = own.filter(([key]) => board.has(key));
  const keys = new Set(kept.map(([key]) => key));
  const entries = [...kept, ...added.filter(([key]) => (key & 7) === 2 && !keys.has(key))];
  if (entries.length > room.entries) throw new Error(`MicroPython: no room for ${entries.length} built-in modules`);
  const copy = room.address >> 2;
  entries.forEach(([key, module], e) => {
    memory[copy + 2 * e] = key;
    memory[copy + 2 * e + 1] = module;
  });
  return { map, own: [...memory.subarray(map, map + 3)], offered: [(entries.length << 3) | 7, entries.length, room.address] };
}

/** Puts a table's copy with the board's modules (`offered`) or the interpreter's own in place. */
export function useModuleTable(memory: Int32Array, table: ModuleTable, offered: boolean): void {
  memory.set(offered ? table.offered : table.own, table.map);
}
