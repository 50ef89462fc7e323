import { describe, expect, it } from "vitest";
import { argPins, qstrObject } from "./pinned-args.ts";

/**
 * A heap as py/gc.c lays it out: one area (mp_state_mem_area_t at AREA: next, the allocation
 * table's start and length, the finaliser table, the pool's start and end), 2 bits a 16-byte
 * block in the table (1: a head, 2: a tail).
 */
const AREA = 16, TABLE = 64, BLOCKS = 64, POOL = 256, CLOSURE_TYPE = 0x1000, LIBRARY_CLOSURE_TYPE = 0x1100, TYPE_TYPE = 0x2000, LIST_TYPE = 0x5000, CLASS_QSTR = 20;
function heap() {
  const words = new Int32Array(0x4000 / 4);
  words.set([0, TABLE, BLOCKS / 4, 0, POOL, POOL + BLOCKS * 16], AREA / 4);
  const bytes = new Uint8Array(words.buffer);
  let next = 0;
  /** Allocates `content` words at the next free block: its address. */
  const alloc = (...content: number[]) => {
    const at = POOL + next * 16;
    const n = Math.max(1, Math.ceil(content.length / 4));
    for (let b = next; b < next + n; b++) bytes[TABLE + (b >> 2)]! |= (b === next ? 1 : 2) << ((b & 3) * 2);
    next += n;
    words.set(content, at / 4);
    return at;
  };
  return { words, alloc, pins: argPins(() => words, AREA, { listType: LIST_TYPE, classQstr: CLASS_QSTR }, () => ({ sp: 0, base: 0 })) };
}
/** A class called with *args (its arguments not known). */
const starCall = (cls: number) => ({ cls, args: null });

describe("argPins: the argument blocks only C holds (py/objclosure.c closure_call, py/objtype.c mp_obj_instance_make_new)", () => {
  it("finds a closure's block by its cells; a class's, called with *args, by the class first (__new__) or an instance of it second (__init__), its instances too", () => {
    const { alloc, pins } = heap();
    pins.setArea(alloc(0, 0, 0, 0, 0, 0, 0, 0), 32);
    const cells = [alloc(0x3000, 1), alloc(0x3000, 2)];
    const closure = alloc(CLOSURE_TYPE, 0x4000, 2, ...cells);
    const cls = alloc(TYPE_TYPE, 0, 0, 0);
    const instance = alloc(cls, 0, 0, 0);
    const closureArgs = alloc(...cells, 7, 9, 11, 13);
    const newArgs = alloc(cls, 3, 5, 7, 9);
    const initArgs = alloc(0x4000, instance, 3, 5, 7, 9);
    alloc(cells[0]!, 0, 7, 9); // starts with one cell only
    const classmethodArgs = alloc(0x4000, cls, 3); // an __init__ made a classmethod: the class second
    const wrappedInitArgs = alloc(0x5000, 0x5010, instance, 3, 5, 7); // a decorator's closure of 2 cells as __init__, called from C
    const wrappedNewArgs = alloc(0x5000, 0x5010, 0x5020, 0x5030, cls, 3); // one of 4 cells as __new__: the class in the second block
    expect(pins.find([{ closure }])).toEqual([closureArgs]);
    expect(pins.find([starCall(cls)])).toEqual([instance, newArgs, initArgs, classmethodArgs, wrappedInitArgs, wrappedNewArgs]);
    expect(pins.find([{ closure }, starCall(cls)])).toEqual([instance, closureArgs, newArgs, initArgs, classmethodArgs, wrappedInitArgs, wrappedNewArgs]);
  });

  it("finds the block of a closure of the library's copy of the closure type (_builtin_functions.py) by its cells too, not as a class's", () => {
    const { alloc, pins } = heap();
    pins.setArea(alloc(0, 0, 0, 0, 0, 0, 0, 0), 32);
    const cell = alloc(0x3000, 1);
    const closure = alloc(LIBRARY_CLOSURE_TYPE, 0x4000, 1, cell);
    alloc(closure, 0, 0, 0); // holds the closure, as a class's __new__ block holds the class: no pin
    const callArgs = alloc(cell, 7, 9, 11, 13, 15, 17, 19); // _host.call("name", 6 arguments): 8 words
    expect(pins.find([{ closure }])).toEqual([callArgs]);
  });

  it("a class called with known arguments: only blocks where the class, an instance or (second) NULL is followed by them, inside the allocation; not its instances, nor a list of them", () => {
    const { alloc, pins } = heap();
    pins.setArea(alloc(0, 0, 0, 0, 0, 0, 0, 0), 32);
    const cls = alloc(TYPE_TYPE, 0, 0, 0);
    const instances = [alloc(cls, 0x6000, 0, 0), alloc(cls, 0x6010, 0, 0), alloc(cls, 0x6020, 0, 0)];
    alloc(0x7000, 3, 3, ...instances); // a list of them
    const instance = instances[0]!;
    const newArgs = alloc(cls, 5, 7);
    const initArgs = alloc(0x4000, instance, 5, 7);
    const classmethodArgs = alloc(0x4000, cls, 5, 7);
    const wrappedInitArgs = alloc(0x5000, 0x5010, 0x5020, 0x5030, instance, 5, 7); // after 4 cells: in the second block
    const staticInitArgs = alloc(0x4000, 0, 5, 7); // an __init__ that binds no self (a staticmethod): NULL second
    alloc(0x4000, 0x4010, 0, 5, 7); // NULL elsewhere
    alloc(0x4000, instance, 5, 9); // other arguments
    alloc(0, 0, 0, instance); // its arguments would be past the allocation, in the next one
    alloc(5, 7);
    expect(pins.find([{ cls, args: [5, 7] }])).toEqual([newArgs, initArgs, classmethodArgs, wrappedInitArgs, staticInitArgs]);
  });

  it("dir()'s list: names in rising order before the one looked up, __class__ among them once past it; an empty one before __class__; each dir() by its own name", () => {
    const { alloc, pins } = heap();
    pins.setArea(alloc(0, 0, 0, 0, 0, 0, 0, 0), 32);
    const q = (...names: number[]) => names.map(qstrObject);
    /** A list as py/objlist.c makes one: alloc, len, items (the free slots zeroed). */
    const list = (room: number, ...items: number[]) => alloc(LIST_TYPE, room, items.length, alloc(...items, ...Array(room - items.length).fill(0)));
    const found = list(4, ...q(CLASS_QSTR, 23, 25));
    const grown = list(8, ...q(3, CLASS_QSTR, 21, 23, 25));
    const empty = list(4);
    const early = list(4, ...q(3)); // names before __class__ only
    list(4, ...q(40)); // a str.split()'s list of one name: no __class__
    list(4, ...q(CLASS_QSTR, 25, 23)); // not in rising order
    list(4, ...q(CLASS_QSTR, 30)); // the name looked up now is not in it yet
    list(4, CLASS_QSTR * 2 + 1, 61); // small ints
    expect(pins.find([{ dirName: 30 }])).toEqual([found, grown]);
    expect(pins.find([{ dirName: 8 }])).toEqual([empty, early]);
    expect(pins.find([{ dirName: 8 }, { dirName: 30 }])).toEqual([found, grown, empty, early]);
  });

  it("holding() writes the blocks into the pin area for the collection only; a built-in type (outside the heap) or more candidates than pins: null", () => {
    const { words, alloc, pins } = heap();
    expect(pins.find([])).toEqual([]);
    const cell = alloc(0x3000, 1);
    const closure = alloc(CLOSURE_TYPE, 0x4000, 1, cell);
    const args = [alloc(cell, 1, 2, 3, 4, 5), alloc(cell, 6, 7, 8, 9, 10), alloc(cell, 11, 12, 13, 14, 15)];
    expect(pins.find([{ closure }])).toBeNull(); // no pin area yet
    const area = alloc(0, 0);
    pins.setArea(area, 8);
    expect(() => pins.setArea(area, 8)).toThrow(TypeError);
    expect(pins.find([{ closure }])).toBeNull(); // three candidates, two pins
    expect(pins.find([{ cls: 0x80, args: [3] }])).toBeNull(); // a type in static data (below the pool)
    let during: number[] = [];
    pins.holding(args.slice(0, 2), () => (during = Array.from(words.subarray(area / 4, area / 4 + 2))));
    expect(during).toEqual(args.slice(0, 2));
    expect(Array.from(words.subarray(area / 4, area / 4 + 2))).toEqual([0, 0]);
  });
});
