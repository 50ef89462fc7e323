# cryptolib's code: each aes object is one on the host (src/emulator/host/modcryptolib.ts), which
# knows the modes, the key and IV sizes, the chaining and the checks' order; here only values are adapted.
from _host import call as _call
from _hostdata import buffer as _buffer, byte_view as _byte_view, judged as _judged, writable as _writable


def _readable(value):
    # a buffer's bytes, or the value's type for the host's TypeError (mp_get_buffer_raise comes
    # after checks the host makes first)
    try:
        return _buffer(value)
    except TypeError:
        return {"__t": type(value).__name__}


def _check(count, kw, least):
    # mp_arg_check_num (py/argcheck.c v1.23.0:33-75), NORMAL error reporting on every port: keywords
    # first (neither make_new :215 nor the methods' MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN take any),
    # then the count, self counted
    if kw:
        raise TypeError("function doesn't take keyword arguments")
    if count < least:
        raise TypeError("function missing %d required positional arguments" % (least - count))
    if count > least + 1:
        raise TypeError("function expected at most %d arguments, got %d" % (least + 1, count))


def _process(self, args, kw, encrypt):
    # encrypt/decrypt(in[, out]): MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(..., 2, 3, ...) (:338, :343)
    _check(len(args) + 1, kw, 2)
    data = args[0]
    if len(args) == 1:
        return _call("aesProcess", id(self), _readable(data), None, encrypt)
    out = args[1]
    try:
        view = _byte_view(out)
        _writable(view)
        size = len(view)
    except TypeError:
        size = {"__t": type(out).__name__}
    result = _call("aesProcess", id(self), _readable(data), size, encrypt)
    view[: len(result)] = result
    return out


class aes:
    # aes(key, mode[, IV]): mp_arg_check_num(n_args, n_kw, 2, 3, false) (:215). The host keeps the
    # object under id(self): no attribute here, as the C object shows none (dir(): encrypt, decrypt).
    def __init__(self, *args, **kw):
        _check(len(args), kw, 2)
        iv = args[2] if len(args) > 2 and args[2] is not None else None
        _call("aesNew", id(self), _readable(args[0]), _judged(args[1]), None if iv is None else _readable(iv))

    def __repr__(self):
        return "<aes>"  # a C type without a print slot (py/obj.c mp_obj_print_helper)

    def encrypt(self, *args, **kw):
        return _process(self, args, kw, True)

    def decrypt(self, *args, **kw):
        return _process(self, args, kw, False)
