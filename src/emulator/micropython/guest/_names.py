# Names a guest module takes from the board's profile (constants, reset causes) come as JSON strings:
# set into a namespace, each is also interned, because dir() lists only interned names (it probes every
# qstr, py/modbuiltins.c v1.23.0 lines 171-172) and getattr() interns the name it is given
# (mp_obj_str_get_qstr, py/objstr.c line 2358). Without it a script saw socket.SOL_SOCKET but not in dir(socket).
# The key set is the interned name (a slice of an interned str is the qstr, py/objstr.c v1.27.0
# mp_obj_new_str 2307-2316), not the JSON's str object: a key that is an object is one more for
# each collection to mark (py/gc.c gc_mark_subtree), and a module's table of them pushed its
# mark stack past its 64 entries (see _hostdata.py).
def export(table, namespace):
    for name, value in table.items():
        getattr(export, name, None)
        namespace[name[:]] = value
