# The gc module (imported as `gc`): the interpreter's own collector, with mem_free() counting the
# board's heap only. The webassembly port adds its growth allowance, gc_get_max_new_split()
# (128 MiB, ports/webassembly/main.c), to mem_free(); the worker never lets the heap grow.
from gc import disable, enable, isenabled, mem_alloc, threshold
import gc as _native
from _host import collect as _collect

_GROWTH_ALLOWANCE = 128 * 1024 * 1024


def mem_free():
    return _native.mem_free() - _GROWTH_ALLOWANCE


def collect():
    # The port's own collect() only asks for a collection; the worker runs it (see worker.ts).
    _native.collect()
    _collect()
