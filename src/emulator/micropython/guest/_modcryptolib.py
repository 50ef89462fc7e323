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


def _process(self, data, out, encrypt):
    # MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(..., 2, 3, ...) (:338, :343): py/argcheck.c, self counted
    if len(out) > 1:
        raise TypeError("function expected at most 3 arguments, got %d" % (len(out) + 2))
    if not out:
        return _call("aesProcess", self._id, _readable(data), None, encrypt)
    try:
        view = _byte_view(out[0])
        _writable(view)
        size = len(view)
    except TypeError:
        size = {"__t": type(out[0]).__name__}
    result = _call("aesProcess", self._id, _readable(data), size, encrypt)
    view[: len(result)] = result
    return out[0]


class aes:
    # aes(key, mode[, IV]): mp_arg_check_num(n_args, n_kw, 2, 3, false) (:215)
    def __init__(self, key, mode, *iv):
        if len(iv) > 1:
            raise TypeError("function expected at most 3 arguments, got %d" % (len(iv) + 2))
        self._id = _call("aesNew", _readable(key), _judged(mode), _readable(iv[0]) if iv and iv[0] is not None else None)

    def __repr__(self):
        return "<aes>"  # a C type without a print slot (py/obj.c mp_obj_print_helper)

    def encrypt(self, data, *out):
        return _process(self, data, out, True)

    def decrypt(self, data, *out):
        return _process(self, data, out, False)
