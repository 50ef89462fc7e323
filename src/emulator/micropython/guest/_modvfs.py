# The vfs module's code (_vfs.py, imported as `vfs`, lists its names; extmod/modvfs.c, v1.23.0): the interpreter's own, with the firmware's VfsFat
# (every board's port builds MICROPY_VFS_FAT: ports/esp32/esp32_common.cmake, ports/rp2 and the
# 2 MiB+ esp8266 mpconfigport) and mount() taking a block device.
from vfs import *
from vfs import mount as _mount, umount as _umount
import io
from _host import constructor as _held, own_imports as _own_imports
import _flash

del VfsPosix  # the interpreter's own files: not in the boards' firmware (extmod/modvfs.c:54-56, MICROPY_VFS_POSIX off)


def _fat():
    # Loaded on first use: built into the firmware (C), it costs the board's heap nothing there,
    # and the ESP8266's heap has no room for it at start-up here.
    _own_imports[0] += 1
    try:
        from _vfs_fat import VfsFat
    finally:
        _own_imports[0] -= 1
    return VfsFat


class VfsFat:
    # The firmware's class (extmod/vfs_fat.c), its work in _vfs_fat, loaded by the first use.
    def __new__(cls, bdev):
        return _fat()(bdev)

    @staticmethod
    def mkfs(bdev):
        _fat().mkfs(bdev)


def mount(fsobj, mount_point, *, readonly=False, mkfs=False):
    # extmod/vfs.c:219-227: an object without mount() is a block device: the filesystem on it is
    # detected (mp_vfs_autodetect, vfs.c:162). UNVERIFIED: LittleFS on a script's block device is
    # not detected here; FAT, the firmware's fallback, is taken.
    if not hasattr(fsobj, "mount"):
        fsobj = _fat()(fsobj)
    if hasattr(fsobj, "_premount"):  # a VfsFat
        # Its mount work (a mkfs too) runs here, where garbage may be collected: inside the
        # interpreter's mount() it could not (see _vfs_fat._HELD).
        fsobj._premount(readonly, mkfs)
    elif not isinstance(fsobj, _ScriptVfs):
        wrapper = _ScriptVfs(fsobj, mount_point)
        _mount(wrapper, mount_point, readonly=readonly, mkfs=mkfs)
        _script_vfs.append(wrapper)  # only once mounted: a mount that failed leaves nothing here
        _mounted.append((mount_point, fsobj))
        _flash.changed()
        return
    _mount(fsobj, mount_point, readonly=readonly, mkfs=mkfs)
    _mounted.append((mount_point, fsobj))
    _flash.changed()


def umount(mount_point):
    # By its mount point (the very string, extmod/vfs.c:276 compares it whole) or by the object the
    # script mounted (mp_vfs_umount): either way the wrapper leaves the list with its mount.
    for i, fs in enumerate(_script_vfs):
        if fs._fs is mount_point or fs._at == mount_point:
            _umount(fs)
            _script_vfs.pop(i)
            _unmounted(mount_point)
            return
    _umount(mount_point)
    _unmounted(mount_point)


# The filesystems the script mounted, (mount point, object): import's search of sys.path looks
# in them itself (_boardsim), the host knowing only the flash.
_mounted = []


def _unmounted(mount_point):
    _mounted[:] = [m for m in _mounted if m[0] != mount_point and m[1] is not mount_point]
    _flash.changed()


# A filesystem written in Python (mpremote mount's RemoteFS, a script's own): import calls its
# stat() and open() and the parser reads the module's file while C alone holds the objects it works
# on (py/builtinimport.c, extmod/vfs_reader.c), and the board collects garbage at host calls (the
# file's own reads make them: mpremote's go over the console). So those calls run with no
# collection, and the file import opens (the one its reader asks the buffer size of,
# MP_STREAM_GET_BUFFER_SIZE) is read whole before the parser starts.
_script_vfs = []


class _ScriptVfs:
    def __init__(self, fs, at):
        self._fs = fs
        self._at = at

    def __getattr__(self, name):
        return getattr(self._fs, name)

    def __repr__(self):  # the script's own object, whatever shows it
        return repr(self._fs)

    def stat(self, path):
        return _held(self._fs.stat)(path)

    def open(self, path, mode):
        return _ScriptFile(_held(self._fs.open)(path, mode))


class _ScriptFile(io.IOBase):
    def __init__(self, f):
        self._f = f
        self._whole = None
        self._pos = 0

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __repr__(self):  # open() hands the script this wrapper: it shows the script's own file
        return repr(self._f)

    def readinto(self, buf):
        if self._whole is None:
            return self._f.readinto(buf)
        n = min(len(buf), len(self._whole) - self._pos)
        buf[:n] = self._whole[self._pos : self._pos + n]
        self._pos += n
        return n

    def write(self, buf):
        return self._f.write(buf)

    def ioctl(self, request, arg):
        # Import's reader closes the file (MP_STREAM_CLOSE) once the parser is done, before the compiler
        # runs on the parse tree only C holds: no collection in that call either.
        if request == 11 and self._whole is None:
            self._whole = _held(_read_whole)(self._f)
        return _held(self._f.ioctl)(request, arg)


def _read_whole(f):
    chunks = []
    buf = bytearray(256)
    while True:
        n = f.readinto(buf)
        if not n:
            return b"".join(chunks)
        chunks.append(bytes(buf[:n]))
