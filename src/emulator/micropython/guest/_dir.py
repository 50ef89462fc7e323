# The dir() built-in (in its place from start-up, as help is): of a class of the library's that
# stands for a C type (`classes`), and of its instances, what the firmware lists of
# the C type's: dir() probes every name (py/modbuiltins.c v1.23.0 165-178), and a C type's instance
# has those of its type's locals table, __class__ (py/runtime.c 1186) and a stream's __next__
# (1193), the type also __name__, __bases__ and __dict__ (py/objtype.c 1009-1052). Here those
# classes also hold the library's private names and methods (__init__, __repr__), and their
# instances their attributes (a WLAN's _itf; a socket's number is none: _stream.FD).
# Not a __dir__ in each class (py/modbuiltins.c v1.27.0 176-181 would call it): a name more in the
# classes' dicts reordered them, and the .py echo's collections then filled py/gc.c's mark stack
# (python-gc.test.ts, "mark stack").
import builtins
from _host import call as _call

classes = set()  # the library's classes that stand for C types, by id() (_builtin_functions.py adds them)
_native_dir = builtins.dir
_OF_TYPE = ("__class__", "__del__", "__enter__", "__exit__", "__name__", "__bases__", "__dict__")
# A stream's instance also has __next__ (MP_TYPE_FLAG_ITER_IS_STREAM, py/runtime.c 1193), its type not.
_OF_INSTANCE = _OF_TYPE[:4] + ("__next__",)


def dir(*args):
    if len(args) != 1:
        return _native_dir(*args)  # dir(): the script's names (mp_locals_get, not this function's); else its TypeError
    names = _native_dir(args[0])
    kept = _OF_TYPE if id(args[0]) in classes else _OF_INSTANCE if id(type(args[0])) in classes else None
    if kept is None:
        return names
    # in the order dir() meets them, the firmware's qstr order (the host's, qstr-order.ts)
    return _call("dirOrder", [name for name in names if name[0] != "_" or name in kept])


_c_sum = builtins.sum
# A generator, or zip, map, filter and enumerate (of generators: a for loop over them collects, realm.ts `iterating`).
_iter_types = (type((lambda: (yield))()), zip, map, filter, enumerate)


def sum(*args, **kwargs):
    # builtins.sum (py/modbuiltins.c v1.23.0 mp_builtin_sum): over a generator (or an iterator above), the same loop in
    # Python. The C one holds its running value in a C local, where no collection may run
    # (realm.ts heldInC), so the garbage its generator made waited for the end of sum() and
    # `sum(1 for _ in os.ilistdir(d))` over 420 files raised MemoryError on an ESP8266, where the
    # board's gc_alloc collects; here the value is on the Python stack and the loop's branches
    # collect. Anything else (and every argument error) is the C one's.
    if kwargs or not 1 <= len(args) <= 2 or type(args[0]) not in _iter_types:
        return _c_sum(*args, **kwargs)
    value = args[1] if len(args) == 2 else 0
    for item in args[0]:
        value = value + item
    return value
