# hashlib's code (hashlib.py lists its names): each hash object is one in progress on the host
# (src/emulator/host/modhashlib.ts), which knows the port's constructors and the "hash is final" rule.
from _host import call as _call
from _hostdata import buffer as _buffer


class _Hash:
    # sha256([data]) etc.: one optional positional argument (mp_arg_check_num(n_args, n_kw, 0, 1, false)).
    # The host keeps the hash under id(self): no attribute here, as the C object shows none.
    def __init__(self, *data):
        if len(data) > 1:
            raise TypeError("function expected at most 1 arguments, got %d" % len(data))
        _call("hashNew", id(self), type(self).__name__)
        if data:
            self.update(data[0])

    def __repr__(self):
        return "<%s>" % type(self).__name__  # a C type without a print slot (py/obj.c mp_obj_print_helper)

    def update(self, data):
        _call("hashUpdate", id(self), _buffer(data))

    def digest(self):
        return _call("hashDigest", id(self))


class sha256(_Hash):
    pass


class sha1(_Hash):
    pass


class md5(_Hash):
    pass


# Only the constructors the board's firmware builds (MICROPY_PY_HASHLIB_SHA1/MD5 per port)
for _name in ("sha1", "md5"):
    if _name not in _call("hashAlgorithms"):
        del globals()[_name]
