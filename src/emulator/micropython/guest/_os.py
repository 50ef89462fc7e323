# The os module (imported as `os`): the interpreter's own file functions, mount() and VfsFat as the
# vfs module has them (extmod/modos.c:203-206), and uname() as the board's (extmod/modos.c:97-108).
from os import *
from _vfs import mount, umount, VfsFat
# The interpreter's VfsPosix (its own files): the boards' ports build none (MICROPY_VFS_POSIX is
# the unix and webassembly ports'), so their os has none (extmod/modos.c:214-216, v1.23.0).
del VfsPosix
# os.path: the interpreter's os is a package with one; the boards' C os module has none (extmod/modos.c).
del path
from _attrtuple import make as _make
from _host import info as _info


def _returning(result):
    # the board's tuple a closure's, not a name in this module: dir(os) is the firmware's table
    def uname():
        return result

    return uname


_port = _info["port"]
uname = _returning(_make(
    ("sysname", "nodename", "release", "version", "machine"),
    (_port["platform"], _port["platform"], _port["release"], _port["unameVersion"], _port["machine"]),
))


def _urandom(call, to_int):
    # os.urandom(n): n random bytes from the board's hardware generator (MICROPY_PY_OS_URANDOM on all
    # three: ports/rp2/modos.c:31-40, ports/esp32/modos.c:39-53, ports/esp8266/modos.c:38-47), the host's
    def urandom(n):
        return call("osUrandom", to_int(n))

    return urandom


def _listing(ilistdir):
    # os.listdir: ilistdir's names (extmod/vfs.c mp_vfs_listdir, v1.27.0 451-460). There a C loop
    # holds the list, which no collection here may then run under (the worker cannot see it:
    # realm.ts heldInC), and a listing of a few hundred files after garbage ran out of heap where
    # the board's gc_alloc collects and retries (py/gc.c v1.27.0 829-843). A comprehension's list
    # is on the Python stack: the VM's branches collect in it.
    def listdir(*path):
        return [entry[0] for entry in ilistdir(*path)]

    return listdir


from _host import call as _call
from _hostdata import _int

urandom = _urandom(_call, _int)
listdir = _listing(ilistdir)
del _make, _info, _port, _returning, _urandom, _call, _int, _listing

from _os_dupterm import make as _make
import _host

dupterm = _make(_host)
del _make, _host
