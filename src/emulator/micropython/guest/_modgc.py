# The gc module's code (_gc.py, imported as `gc`, lists its names): the interpreter's own collector,
# with mem_free() counting the board's heap only. The webassembly port adds its growth allowance,
# gc_get_max_new_split() (128 MiB, ports/webassembly/main.c), to mem_free(); the worker never lets
# the heap grow.
from gc import disable, enable, isenabled
import gc as _native
from _host import collect as _collect, gc_threshold as _gc_threshold, free_bytes as _free_bytes, memory as _memory
# The script's threshold as the firmware keeps it: -1 until set (py/gc.c gc_init); the worker sets
# the interpreter's own from the free heap and this (see collector.ts).
_threshold = [-1]


def threshold(*args):
    if not args:
        return _threshold[0]
    _native.threshold(*args)  # the firmware's checks and rounding to 16-byte blocks (py/modgc.c)
    _threshold[0] = _native.threshold()
    _gc_threshold(_threshold[0])


def mem_free():
    # The free blocks of the allocation table, as the interpreter's gc_info() counts them (py/gc.c),
    # without its growth allowance; counted by the worker a word at a time (collector.ts): gc_info()
    # reads it a block at a time, ≈ 0.8 ms for a 1 MiB heap.
    return _free_bytes()


def mem_alloc():
    # gc_info's used bytes (py/modgc.c gc_mem_alloc): the board's heap less its free bytes, not
    # the library's blocks the interpreter's own counts.
    return _memory("alloc")


def collect():
    # The port's own collect() only asks for a collection; the worker runs it (see worker.ts).
    # The collector scans the frames on the Python stack whole, with the padding word a frame may
    # end with (frames are 8-byte aligned) that nothing writes: a value a returned call of the
    # script left there stayed alive (print(len(buf)) in a function, then gc.collect(): buf was
    # not freed). Frames' slots are zeroed on entry: this one's and _zeros()'s cover the padding
    # of the frames the collection runs in. A call deeper than the script's frame that held the
    # value can still miss it (its own padding is the script's frame's).
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = s8 = s9 = s10 = s11 = s12 = s13 = s14 = s15 = s16 = s17 = s18 = s19 = s20 = s21 = s22 = s23 = s24 = s25 = s26 = s27 = s28 = s29 = s30 = s31 = s32 = s33 = s34 = s35 = s36 = s37 = s38 = s39 = s40 = s41 = s42 = s43 = s44 = s45 = s46 = s47 = None
    _native.collect()
    _zeros()
    _collect()


def _zeros():
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = s8 = s9 = s10 = s11 = s12 = s13 = s14 = s15 = s16 = s17 = s18 = s19 = s20 = s21 = s22 = s23 = s24 = s25 = s26 = s27 = s28 = s29 = s30 = s31 = s32 = s33 = s34 = s35 = s36 = s37 = s38 = s39 = s40 = s41 = s42 = s43 = s44 = s45 = s46 = s47 = None
