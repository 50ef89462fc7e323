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


def _process(self, args, kw, encrypt):
    # encrypt/decrypt(in[, out]): the host checks the count (self counted) and keywords first
    data = args[0] if args else None
    if len(args) < 2:
        return _call("aesProcess", id(self), len(args) + 1, len(kw), _readable(data), None, encrypt)
    out = args[1]
    try:
        view = _byte_view(out)
        _writable(view)
        size = len(view)
    except TypeError:
        size = {"__t": type(out).__name__}
    result = _call("aesProcess", id(self), len(args) + 1, len(kw), _readable(data), size, encrypt)
    view[: len(result)] = result
    return out


class aes:
    # aes(key, mode[, IV]): the host checks the count and keywords first. It keeps the object under
    # id(self): no attribute here, as the C object shows none (dir(): encrypt, decrypt).
    def __init__(self, *args, **kw):
        key, mode, iv = (args + (None, None, None))[:3]
        _call("aesNew", id(self), len(args), len(kw), _readable(key), _judged(mode), None if iv is None else _readable(iv))

    def __repr__(self):
        return "<aes>"  # a C type without a print slot (py/obj.c mp_obj_print_helper)

    def encrypt(self, *args, **kw):
        return _process(self, args, kw, True)

    def decrypt(self, *args, **kw):
        return _process(self, args, kw, False)
