# os.VfsFat / vfs.VfsFat (extmod/vfs_fat.c, vfs_fat_file.c). The FAT driver is the host's; the block
# device is the script's object, so this class carries out the driver's requests on it
# (readblocks, writeblocks, ioctl, as extmod/vfs_blockdev.c calls them). The driver's state of
# the volume and of each open file is the host's, under the ids these objects hold.
from _stream import LineStream
import _host
from _host import uncreatable as _uncreatable
from _hostdata import buffer as _buffer

_call = _host.call


def _run(bdev, op, volume, file, *args):
    step = _call("fatStart", op, volume, file, *args)
    buf = None
    while step[0] != "done":
        kind, a, b, token = step
        if kind == "read":
            if buf is None or len(buf) != b:
                buf = bytearray(b)
            bdev.readblocks(a, buf)
            step = _call("fatResume", token, _buffer(buf))
        elif kind == "write":
            # UNVERIFIED: the firmware hands over a bytearray (extmod/vfs_blockdev.c:87); bytes
            # here, one copy of up to 4 KiB less on the board's heap.
            bdev.writeblocks(a, b)
            step = _call("fatResume", token, None)
        else:
            step = _call("fatResume", token, bdev.ioctl(a, b))
    if step[2] is not None:
        raise _host.oserror(step[2])
    return step[1]


# While C holds objects the collector cannot see, a host call must not collect garbage (see
# _host.constructor): vfs.mount() holds its new mount-table entry (extmod/vfs.c:229-237); under
# os.stat() a collection corrupted the heap (UNVERIFIED which object: mpremote's cp broke without
# this); and a module's file is read for import by extmod/vfs_reader.c, whose buffer only C holds.
_run_held = _host.constructor(_run)
_HELD = ("mount", "stat")


class _File(LineStream):
    # LineStream (an IOBase of io) gives the stream protocol, so import and exec read it like the firmware's file.
    def __init__(self, vfs, file):
        self._vfs = vfs
        self._file = file
        self._held = False

    def _do(self, op, *args):
        return (_run_held if self._held else _run)(self._vfs._bdev, op, self._vfs._id, self._file, *args)

    def _out(self, data):
        return data

    def readinto(self, buf):
        data = self._do("read", len(buf))
        buf[: len(data)] = data
        return len(data)

    def read(self, size=-1):
        if size is None or size < 0:
            size = 0x7FFFFFFF  # the rest (FatFs's f_read stops at the end)
        return self._out(self._do("read", size))

    def readline(self, size=-1):
        # mp_stream_unbuffered_readline: up to and including "\n"
        line = b""
        while size < 0 or len(line) < size:
            chunk = self._do("read", 64 if size < 0 else min(64, size - len(line)))
            if not chunk:
                break
            nl = chunk.find(b"\n")
            if nl >= 0:
                self._do("seek", nl + 1 - len(chunk), 1)
                line += chunk[: nl + 1]
                break
            line += chunk
        return self._out(line)

    def write(self, data):
        return self._do("write", _buffer(data))

    def seek(self, offset, whence=0):
        return self._do("seek", offset, whence)

    def tell(self):
        return self._do("seek", 0, 1)

    def flush(self):
        self._do("flush")

    def close(self):
        self._do("close")

    def ioctl(self, request, arg):
        # MP_STREAM_FLUSH (1), MP_STREAM_CLOSE (4); MP_STREAM_GET_BUFFER_SIZE (11) comes only from
        # the reader that import uses (extmod/vfs_reader.c), which then holds this file in C.
        if request == 11:
            self._held = True
        elif request == 1:
            self.flush()
        elif request == 4:
            self.close()
        return 0


    def __repr__(self):
        return "<io.%s %x>" % (type(self).__name__, id(self))


# The file types by the mode's "b" (extmod/vfs_fat_file.c v1.23.0:172-195): no make_new, so calling
# one raises py/objtype.c's "can't create 'FileIO' instances" (994-999); open() makes them by
# object.__new__.
class FileIO(_File):
    pass


class TextIOWrapper(_File):
    def _out(self, data):
        return data.decode()


_uncreatable(FileIO)
_uncreatable(TextIOWrapper)


class iterator:
    # ilistdir()'s, the firmware's C iterator (extmod/vfs_fat.c v1.23.0 120-200, a
    # mp_type_polymorph_iter_with_finaliser): f_opendir at the call, its errors there (:193-196), then
    # one (name, type, inode, size) at a time as f_readdir reads the directory (:130-165), names bytes
    # for a bytes path (:147-151). Here the host reads a piece of entries at a time (fat/ff.ts
    # fReaddir) and keeps the directory's position under the id this holds (None: nothing left).
    def __init__(self, vfs, path, as_bytes):
        self._vfs = vfs
        self._bytes = as_bytes
        self._entries, more, self._dir = vfs._do("ilistdir", path)
        self._at = 0

    def __iter__(self):
        return self

    def __next__(self):
        at = self._at
        while at == len(self._entries):
            if self._dir is None:
                raise StopIteration
            self._entries = None  # garbage before the host call, which may collect
            self._entries, more = _run(self._vfs._bdev, "readdir", self._vfs._id, self._dir)
            if not more:
                self._dir = None
            at = 0
        self._at = at + 1
        name, kind, inode, size = self._entries[at]
        return (name.encode() if self._bytes else name, kind, inode, size)

    def __repr__(self):
        return "<iterator>"


class VfsFat:
    @_host.constructor
    def __init__(self, bdev):
        bdev.readblocks  # mp_vfs_blockdev_init (extmod/vfs_blockdev.c:33) needs it
        self._bdev = bdev
        self._premounted = False
        self._id = _run(bdev, "new", None, None, hasattr(bdev, "writeblocks"))

    def _do(self, op, *args):
        return (_run_held if op in _HELD else _run)(self._bdev, op, self._id, None, *args)

    @staticmethod
    def mkfs(bdev):
        bdev.readblocks
        _run(bdev, "mkfs", None, None, hasattr(bdev, "writeblocks"))

    def mount(self, readonly, mkfs):
        # vfs.mount() (_vfs.py) has done the work already, before C held its mount-table entry.
        if self._premounted:
            self._premounted = False
        else:
            self._do("mount", bool(readonly), bool(mkfs))

    def _premount(self, readonly, mkfs):
        _run(self._bdev, "mount", self._id, None, bool(readonly), bool(mkfs))
        self._premounted = True

    def umount(self):
        # vfs_fat.c:402: the volume stays mounted inside, so its methods still work
        pass

    def ilistdir(self, path=""):
        as_bytes = isinstance(path, bytes)
        return iterator(self, path.decode() if as_bytes else path, as_bytes)

    def mkdir(self, path):
        self._do("mkdir", path)

    def rmdir(self, path):
        self._do("rmdir", path)

    def remove(self, path):
        self._do("remove", path)

    def rename(self, old, new):
        self._do("rename", old, new)

    def chdir(self, path):
        self._do("chdir", path)

    def getcwd(self):
        return self._do("getcwd")

    def stat(self, path):
        return tuple(self._do("stat", path))

    def statvfs(self, path):
        return tuple(self._do("statvfs"))

    def open(self, path, mode="r"):
        text, file = _run(self._bdev, "open", self._id, None, path, mode)
        f = object.__new__(TextIOWrapper if text else FileIO)
        f.__init__(self, file)
        return f
