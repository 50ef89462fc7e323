# Names a guest module takes from the board's profile (constants, reset causes) come as JSON strings:
# set into a namespace, each is also interned, because dir() lists only interned names (it probes every
# qstr, py/modbuiltins.c v1.23.0 lines 171-172) and getattr() interns the name it is given
# (mp_obj_str_get_qstr, py/objstr.c line 2358). Without it a script saw socket.SOL_SOCKET but not in dir(socket).
def export(table, namespace):
    for name, value in table.items():
        namespace[name] = value
        getattr(export, name, None)
