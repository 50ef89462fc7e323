# The board's errno numbers in the interpreter's own errno module, where they differ from its
# Linux ones (the ESP32's newlib: ETIMEDOUT 116, EINPROGRESS 119). A module replacing it would not
# do: the compiler folds `errno.ETIMEDOUT` to the C module's number as it parses a script
# (py/parse.c:637-648, 854-878, MICROPY_COMP_MODULE_CONST), so the numbers go into that module's
# tables. Here they are memory: a map is an array of (key, value) words after the dict's type word
# and its used/alloc words (py/obj.h mp_map_t), a small int n the word 2n + 1 (MICROPY_OBJ_REPR_A),
# and a constant map keeps its entries in iteration order (py/map.c, is_ordered).
import errno
import uctypes


def _table(d):
    return int.from_bytes(uctypes.bytearray_at(id(d) + 12, 4), "little")


def _put(address, n):
    uctypes.bytearray_at(address, 4)[:] = (2 * n + 1).to_bytes(4, "little")


def renumber(errorcode):
    """errorcode: the board's number → name table (numbers as JSON keys, strings)."""
    number = {name: int(n) for n, name in errorcode.items()}
    table = _table(errno.__dict__)
    for i, name in enumerate(errno.__dict__):
        if name in number:
            _put(table + 8 * i + 4, number[name])
    # errorcode maps number → name (py/moderrno.c:36-52): the keys change
    table = _table(errno.errorcode)
    for i, name in enumerate(errno.errorcode.values()):
        if name in number:
            _put(table + 8 * i, number[name])
