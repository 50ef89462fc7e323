# The micropython module's own code (_micropython.py, imported as `micropython`, lists its names):
# kbd_intr() setting the board console's interrupt character, the ports' alloc_emergency_exception_buf(),
# and mem_info() and qstr_info() reporting the board's memory, not the library's (memory-report.ts).
import micropython as _native
from array import array as _array
import _host
from _host import call as _call, memory as _memory
from _modgc import collect as _collect

# The port's figures (ints, no objects for the collector to mark at each collection).
_STACK_LIMIT = _host.info["port"]["memInfo"]["stackLimit"]
_SPLIT_HEAP_AUTO = _host.info["port"]["memInfo"]["splitHeapAuto"]
del _host


def _one_call():
    return _native.stack_use()


# The C stack one Python call takes (mem_info's own, which the firmware's C function has not).
_CALL = _one_call() - _native.stack_use()
# A head block's letter in mem_info(1)'s map by its object's type (py/gc.c:1241-1273 gc_dump_alloc_table).
_LETTERS = " ".join("%d %s" % (id(t), c) for t, c in ((tuple, "T"), (list, "L"), (dict, "D"), (str, "S"), (bytes, "S"), (bytearray, "A"), (_array, "A"), (float, "F"), (type(_one_call), "B"), (type(_native), "M")))


def kbd_intr(chr):
    # mp_obj_get_int: an int (or bool); anything else TypeError. The console then lets that byte
    # through as data (mpremote's mount sends its binary records with kbd_intr(-1)).
    _native.kbd_intr(chr)
    _call("serialInterruptChar", int(chr))


def alloc_emergency_exception_buf(size):
    # The ports' own (MICROPY_ENABLE_EMERGENCY_EXCEPTION_BUF, buffer size 0: allocated here,
    # py/modmicropython.c:187-189); the interpreter has none. An int (mp_obj_get_int), else
    # TypeError; UNVERIFIED the buffer's use (an exception's text inside a hard IRQ).
    if not isinstance(size, (int, bool)):
        raise TypeError("can't convert %s to int" % type(size).__name__)


def mem_info(*args):
    # py/modmicropython.c:71-93 with py/gc.c:1175-1185 (gc_dump_info): the port's stack limit
    # (its main.c), the board's heap (total: the board's, free: gc.mem_free(), used: gc.mem_alloc())
    # and its blocks' counts. UNVERIFIED: the stack used is the interpreter's (the same C code in
    # WebAssembly, whose frames differ in size from Thumb's or Xtensa's), this call's own left out.
    if len(args) > 1:
        raise TypeError("function expected at most 1 arguments, got %d" % len(args))
    stack = _native.stack_use() - _CALL
    print("stack: %d out of %d" % (stack, _STACK_LIMIT))
    total, free, one, two, largest, largest_free = _memory("counts").split()
    # The ESP32's heap grows by splits (the IDF's largest free block), gc.mem_free() adds that
    # (py/modgc.c:66-71); the board's heap here does not grow: 0, so that free + it is mem_free().
    split = ", max new split: 0" if _SPLIT_HEAP_AUTO else ""
    print("GC: total: %s, used: %d, free: %s%s" % (total, int(total) - int(free), free, split))
    print(" No. of 1-blocks: %s, 2-blocks: %s, max blk sz: %s, max free sz: %s" % (one, two, largest, largest_free))
    if args:
        print(_memory("layout", _LETTERS), end="")


def qstr_info(*args):
    # py/modmicropython.c:96-108, py/qstr.c:398-434: the firmware's own qstrs are in ROM (not
    # counted); these are the board's, those interned since the library loaded.
    if len(args) > 1:
        raise TypeError("function expected at most 1 arguments, got %d" % len(args))
    _memory("capture")
    try:
        _native.qstr_info(*args)
    finally:
        names = _memory("qstrs")
    figures = names.pop(0).split()
    print("qstr pool: n_pool=%s, n_qstr=%s, n_str_data_bytes=%s, n_total_bytes=%s" % tuple(figures))
    if names:
        # The names split from the report are the interned objects themselves (py/objstr.c
        # mp_obj_new_str finds an existing qstr), whose id() is its number (MICROPY_OBJ_REPR_A:
        # q << 3 | 2): the board's are the newest, in the interpreter's order (pools newest first).
        # A name the library concealed (_builtin_functions.conceal) is found by no str: a heap str
        # here, one of the library's.
        newest = max(id(name) >> 3 for name in names if id(name) & 7 == 2)
        for name in names:
            if id(name) & 7 == 2 and id(name) >> 3 > newest - int(figures[1]):
                print("Q(%s)" % name)
        names = None
        _collect()  # the report's text and names: garbage the firmware's C function never made


def _qstr_base():
    # At start-up, once the library has loaded: the qstrs interned until now are its own.
    _memory("capture")
    try:
        _native.qstr_info()
    finally:
        _memory("qstrBase")
