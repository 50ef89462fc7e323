# The firmware's C modules' functions and methods are built-in functions (py/objfun.c v1.23.0 59-128,
# mp_type_fun_builtin_*): no print slot, so print(time.sleep) shows the type's name, `<function>`
# (py/obj.c mp_obj_print_helper); no attr slot, so they have no attribute but __class__ (py/runtime.c
# v1.23.0 1186) and dir() lists only that; no make_new: `type(time.sleep)(...)` raises TypeError.
# Here they are this library's Python functions (py/objfun.c v1.27.0 mp_type_fun_bc: `<function sleep
# at 0x…>`, __name__, __code__, and __globals__, which reached the library's module globals and the
# bridge's helpers). Each gets a copy of its type without those slots; called, it runs the same code,
# and the worker's collector knows the copies as Python (realm.ts builtinFunctionTypes). A class of
# the library loses the names the compiler stores in it (__module__ = the library module's name,
# __qualname__); dir() lists of it and its instances what it would of a C type's (_dir.py).
# Modules frozen on the board (asyncio, ntptime, ...) are Python there too: theirs stay as they are.
import io
import uctypes
from _boardsim_js import builtinFunctionTypes
from _dir import classes as _classes
from _host import uncreatable  # for _boardsim and _sys

# mp_obj_type_t (py/obj.h v1.27.0 617-720): base, flags (2 bytes), name (a 2-byte qstr), 12 slot
# indexes (0: no slot), then the slots.
_NAME = 6
_FLAGS_HIGH = 5  # the flags' high byte (2 bytes at offset 4, little-endian)
_MAKE_NEW = 8
_PRINT = 9
_ATTR = 13
_PARENT = 18
_LOCALS = 19
_SLOTS = 20
# The memory as 32-bit words (its first 64 MiB, more than the interpreter has): one object for every
# type word the walk reads and writes. A uctypes.struct per function left ≈ 1000 objects of garbage
# at start-up, and start-up's heap then no longer left the board's heap one free block
# (port-modules.test.ts, "mem_info").
_WORDS = uctypes.struct(0, {"w": (uctypes.ARRAY | 0, uctypes.UINT32 | (1 << 24))}).w


def _function():
    pass


def _closure(cell):
    return lambda: cell


def _generator():
    yield


def _copy(kind):
    slots = uctypes.bytearray_at(id(kind), _SLOTS)
    copy = bytearray(uctypes.bytearray_at(id(kind), _SLOTS + 4 * max(slots[_MAKE_NEW:])))
    copy[_MAKE_NEW] = copy[_PRINT] = copy[_ATTR] = 0
    copy[_NAME : _NAME + 2] = uctypes.bytearray_at(id(type(_function)), _SLOTS)[_NAME : _NAME + 2]  # `function`
    return copy


_KINDS = (type(_function), type(_closure(None)), type(_generator))
_copies = [_copy(kind) for kind in _KINDS]
_COPY_OF = {id(kind): uctypes.addressof(copy) for kind, copy in zip(_KINDS, _copies)}
builtinFunctionTypes(_COPY_OF[id(_KINDS[0])], _COPY_OF[id(_KINDS[1])])
del _function, _closure, _generator, _copy, builtinFunctionTypes


def _as_builtin(address):
    # A function (or closure, generator function) at `address` becomes a built-in one; anything else is left.
    copy = _COPY_OF.get(_WORDS[address >> 2])
    if copy is not None:
        _WORDS[address >> 2] = copy


_frozen = ()  # the names of the modules the board freezes (Python there too)
_seen = set()  # the module dicts and classes done
_frozen_dicts = set()  # those of them that are frozen modules' globals


def start(frozen):
    global _frozen
    _frozen = frozen


def hide(module):
    """The functions and classes of `module` (or a module's dict) and of the library modules they lead to."""
    names = module if type(module) is dict else getattr(module, "__dict__", None)
    if type(names) is dict:
        _hide(names)


def _frozen_here(name):
    return name.split(".")[0] in _frozen


def _hide(names):
    # A frozen module's own functions stay Python (their __globals__ is the module's, as on the
    # board); the library's it holds do not.
    if id(names) in _seen:
        return
    _seen.add(id(names))
    if _frozen_here(names.get("__name__", "")):
        _frozen_dicts.add(id(names))
    for value in names.values():
        kind = type(value)
        if kind in _KINDS:
            _function(value)
        elif kind is type(uctypes):
            hide(value)
        elif kind is type:
            _class(value)
        elif _of_library_class(kind):
            _class(kind)  # an object of a class of the library's (sys.stdout): the firmware's is a C object


def _of_library_class(kind):
    return type(kind) is type and "__qualname__" in kind.__dict__


def _function(value):
    for slots, attr in _function_attrs:
        slots[_ATTR] = attr
    names = value.__globals__
    for slots, _ in _function_attrs:
        slots[_ATTR] = 0
    _hide(names)
    if id(names) not in _frozen_dicts:
        _as_builtin(id(value))


def _class(cls):
    # A class of the library's (its body's names has __qualname__, py/compile.c), and those it
    # derives from: a C type has none of them. Its functions, also under staticmethod, classmethod
    # and property (their functions follow the type word: py/objfun.h mp_obj_static_class_method_t,
    # py/objproperty.c), and its nested classes. A frozen module's class keeps its own.
    if id(cls) in _seen:
        return
    _seen.add(id(cls))
    for base in cls.__bases__:
        _class(base)
    names = cls.__dict__
    if "__qualname__" not in names:
        if any(id(base) in _classes for base in cls.__bases__):
            _c_type(cls)  # made by type(name, bases, {}): network's CYW43 / WLAN
        return
    frozen = _frozen_here(names["__module__"])
    for value in names.values():
        kind = type(value)
        if kind in _KINDS:
            _function(value)
        elif kind in (staticmethod, classmethod, property) and not frozen:
            for at in range(1, 4 if kind is property else 2):
                _as_builtin(_WORDS[(id(value) >> 2) + at])
        elif kind is type:
            _class(value)
        elif _of_library_class(kind) and not frozen:
            _class(kind)  # one held by a class (sys.stdout's buffer): a C object on the board
    if not frozen:
        del cls.__module__
        del cls.__qualname__
        _c_type(cls)


def _c_type(cls):
    # Its objects, as a C type's, have no __dict__ (AttributeError: instance-dict.ts DICTLESS,
    # 0x8000); dir() lists of them what the firmware's would (_dir.py).
    _classes.add(id(cls))
    uctypes.bytearray_at(id(cls), _SLOTS)[_FLAGS_HIGH] |= 0x80
    _flatten(cls)


def _flatten(cls):
    # A C type derives from none of the library's classes: its __bases__ is (object,) where it has
    # no parent slot (py/objtype.c v1.23.0 type_attr 1038-1051; MICROPY_CPYTHON_COMPAT on every
    # port). A class of the library's whose bases are the library's alone (sha256's _Hash, the
    # IRQ's, WLAN's) gets its base's names in its own dict and loses its parent
    # slot (py/obj.h mp_obj_type_t). So does one on io.IOBase (LineStream: files, sys.stdout), whose C type
    # has nothing but make_new and the stream protocol (py/modio.c v1.27.0 61-67) that the class
    # holds in its own protocol slot (py/objtype.c mp_obj_new_type, "Inherit protocol"), and
    # whose methods find the class's readinto and write. One on any other C type keeps its parent.
    bases = cls.__bases__
    if len(bases) != 1:
        return
    if id(bases[0]) in _classes and bases[0].__bases__ == (object,):
        own = cls.__dict__
        for name, value in bases[0].__dict__.items():
            if name not in own:
                setattr(cls, name, value)
    elif bases[0] is not io.IOBase:
        return
    uctypes.bytearray_at(id(cls), _SLOTS)[_PARENT] = 0


def conceal(name):
    """The library's attribute `name` (an interned str its code compiled before names) as a C
    struct's field: not an attribute a script can name. Its qstr's last byte becomes 1, where its
    hash stays the old text's (py/qstr.c v1.27.0 qstr_find_strn compares hash, length and bytes):
    the old text no longer matches it and the new text's hash does not (2 bytes in this build,
    MICROPY_QSTR_BYTES_IN_HASH, py/mpconfig.h:373-380), so the compiler and getattr() intern a new
    qstr for either, which finds nothing on the library's objects; its number, in the library's
    code, still does. A name of the interpreter's sorted pool (is_sorted: binary search by
    strncmp) keeps its place there only if no other name there lies between the two texts: "_fd"
    does, between "_f" and "_filemode_table" in the pinned build."""
    uctypes.bytearray_at(uctypes.addressof(name), len(name))[-1] = 1


def in_order(cls, names):
    """The dict of cls, a class of the library's, as the C type's locals table: a fixed ordered map
    (MP_DEFINE_CONST_DICT, py/obj.h v1.27.0 mp_map_t), `names` (the table's, module-tables.ts) first
    in their order, then the rest (the library's __init__ and __repr__, where the C type has
    make_new and print slots). type_attr then answers `__dict__` with the map itself, printed in that
    order, and refuses to store into it (py/objtype.c v1.23.0 1021-1035, 1066-1070), as the
    firmware's. Lookups walk it and are cached (py/map.c mp_map_lookup, MICROPY_OPT_MAP_LOOKUP_CACHE).
    Last: nothing may set or delete a name of cls after it."""
    own = cls.__dict__  # a copy (its map is not fixed yet): the same keys and values
    keys = [key for name in names for key in own if key == name] + [key for key in own if key not in names]
    at = _WORDS[((id(cls) + _SLOTS) >> 2) + uctypes.bytearray_at(id(cls), _SLOTS)[_LOCALS] - 1] >> 2
    table = _WORDS[at + 3] >> 2
    for i in range(_WORDS[at + 2]):
        entry = table + 2 * i
        _WORDS[entry] = id(keys[i]) if i < len(keys) else 0
        _WORDS[entry + 1] = id(own[keys[i]]) if i < len(keys) else 0
    _WORDS[at + 1] = (_WORDS[at + 1] & 1) | 6 | len(keys) << 3  # all_keys_are_qstrs kept, is_fixed, is_ordered
    _WORDS[at + 2] = len(keys)


def absent(modules, types):
    """The names the board's firmware is built without (PortProfile absent) taken out of the
    interpreter's tables: `modules` by module name, `types` by built-in type name. A C table is a
    fixed ordered map (py/obj.h mp_map_t v1.27.0: its flags and used count in one word, alloc, the
    table) whose lookup and iteration walk its `used` entries (py/map.c mp_map_lookup): the other
    entries move down over the names', the count drops, and the freed slots end empty (no lookup
    cache entry then finds a name there). Tables that share one array (str's, bytes' and
    bytearray's, py/objstr.c) are moved together. A module of the library's (sys) loses the names
    from its dict."""
    import builtins
    import sys

    maps = []  # [start, end, dict, names] of the fixed maps
    for owner, names in [(sys.modules.get(name) or _c_module(name), names) for name, names in modules.items()] + [
        (getattr(builtins, name), names) for name, names in types.items()
    ]:
        table = owner.__dict__
        at = id(table) >> 2
        if not _WORDS[at + 1] & 2:
            for name in names:
                table.pop(name, None)
            continue
        start = _WORDS[at + 3]
        maps.append([start, start + 8 * (_WORDS[at + 1] >> 3), table, names])
    maps.sort(key=lambda m: m[0])
    while maps:
        group = [maps.pop(0)]
        while maps and maps[0][0] < max(m[1] for m in group):
            group.append(maps.pop(0))
        gone = set()
        for start, _, table, names in group:
            gone.update(start + 8 * i for i, key in enumerate(table) if key in names)
        low = group[0][0]
        high = max(m[1] for m in group)
        to = low
        for entry in range(low, high, 8):
            if entry not in gone:
                _WORDS[to >> 2] = _WORDS[entry >> 2]
                _WORDS[(to >> 2) + 1] = _WORDS[(entry >> 2) + 1]
                to += 8
        for entry in range(to, high, 4):
            _WORDS[entry >> 2] = 0
        for start, end, table, _ in group:
            at = id(table) >> 2
            before = sum(1 for entry in gone if entry < start)
            used = (end - start) // 8 - sum(1 for entry in gone if start <= entry < end)
            _WORDS[at + 1] = (_WORDS[at + 1] & 7) | used << 3
            _WORDS[at + 2] = used
            _WORDS[at + 3] = start - 8 * before


# The function types' attr slots a board without MICROPY_PY_FUNCTION_ATTRS has without them (no_function_attrs).
_function_attrs = []


def no_function_attrs():
    """A function's, closure's, generator function's and bound method's attributes (__name__,
    __globals__: py/objfun.c v1.23.0:328-354, objclosure.c:81-88, objgenerator.c:73-77,
    objboundmeth.c:108-130) gone, as where MICROPY_PY_FUNCTION_ATTRS is off: those types have no attr
    slot; only __class__ is left (py/runtime.c). _function still reads a library function's __globals__."""
    for kind in _KINDS + (type([].append),):
        slots = uctypes.bytearray_at(id(kind), _SLOTS)
        _function_attrs.append((slots, slots[_ATTR]))
        slots[_ATTR] = 0


def pow_of_two_arguments():
    """pow() as a port without MICROPY_PY_BUILTINS_POW3 has it (py/modbuiltins.c v1.23.0:366-380):
    the same arguments checked (2 or 3, no keywords), a third refused."""
    import builtins

    native = builtins.pow

    def pow(*args, **kwargs):
        if len(args) == 3 and not kwargs:
            raise NotImplementedError("3-arg pow() not supported")
        return native(*args, **kwargs)

    _as_builtin(id(pow))
    builtins.pow = pow


def _c_module(name):
    # The interpreter's C module: where it freezes a .py half of it (binascii), the C one is its u-name's.
    module = __import__(name)
    return __import__("u" + name) if "__file__" in module.__dict__ else module
