# The board's flash filesystem: a VFS object mounted at "/", as the firmware's _boot.py mounts its
# LittleFS there (ports/rp2/modules/_boot.py, ports/esp32/modules/_boot.py). The host does the
# work (src/emulator/flash.ts; the files in a PC folder or in memory) and raises the board's
# OSError. Paths reach it absolute: this object keeps the current directory.
# Imported before the firmware's os and vfs replace the interpreter's: `os` and `vfs` here are
# the interpreter's own, whose VfsPosix reaches its in-memory files (the library), never the PC.
import os
import uctypes
import vfs
from _stream import LineStream
import _host
from _hostdata import buffer as _buffer

_call = _host.call
_call_into = _host.call_into
# For calls under which C alone may hold objects the collector cannot see (see _host.constructor):
# import's stat() and open() (its path buffers, py/builtinimport.c) and the reads of a module's
# file (extmod/vfs_reader.c's buffer). No garbage is collected in these calls.
_held = _host.constructor(_call)


class _File(LineStream):
    # LineStream (an IOBase of io) gives this class the stream protocol, so import and exec read it like a file.
    def __init__(self, path, mode, size):
        self._path = path
        self._text = "b" not in mode
        self._read = "r" in mode or "+" in mode
        self._write = "r" not in mode or "+" in mode
        self._append = "a" in mode
        self._pos = size if self._append else 0
        self._size = size
        self._closed = False
        self._ahead = None

    def _check(self, ok):
        if self._closed or not ok:
            raise OSError(9)  # EBADF, as a closed or write-only LittleFS file gives

    def readinto(self, buf):
        self._check(self._read)
        if self._ahead is not None:
            return self._from_ahead(buf)
        if type(buf) is bytearray and buf:
            # The worker writes the bytes into buf (as _hostdata.read_into): no bytes object per read.
            n = _call("flashRead", self._path, self._pos, len(buf), {"__w": [uctypes.addressof(buf), len(buf)]})
        else:
            data = _call("flashRead", self._path, self._pos, len(buf))
            n = len(data)
            buf[:n] = data
        self._pos += n
        return n

    def _from_ahead(self, buf):
        # Import's reads (the reader's 255 bytes), whose garbage stays until the module is compiled:
        # from a read-ahead of 8 of them, so one host call (about 200 bytes of garbage) per 8 reads;
        # the others leave a memoryview's 16 bytes. Each is whole but the file's last: the reader
        # takes a short read for the end (extmod/vfs_reader.c mp_reader_vfs_readbyte).
        start, end = self._start, self._end
        if start == end:
            ahead = self._ahead
            end = _held("flashRead", self._path, self._pos, len(ahead), {"__w": [uctypes.addressof(ahead), len(ahead)]})
            self._pos += end
            self._end = end
            start = 0
        n = min(len(buf), end - start)
        buf[:n] = self._ahead_view[start : start + n]
        self._start = start + n
        return n

    def read(self, size=-1):
        self._check(self._read)
        if size is None or size < 0:
            size = _call("flashStat", self._path)[6] - self._pos
        data = _call("flashRead", self._path, self._pos, max(0, size))
        self._pos += len(data)
        return data.decode() if self._text else data

    def readline(self):
        self._check(self._read)
        line = b""
        while True:
            chunk = _call("flashRead", self._path, self._pos, 64)
            if not chunk:
                break
            nl = chunk.find(b"\n")
            if nl >= 0:
                chunk = chunk[: nl + 1]
            line += chunk
            self._pos += len(chunk)
            if nl >= 0:
                break
        return line.decode() if self._text else line

    def write(self, data):
        self._check(self._write)
        if self._append:
            self._pos = _call("flashStat", self._path)[6]
        n = _call("flashWrite", self._path, self._pos, _buffer(data))
        self._pos += n
        return n

    def seek(self, offset, whence=0):
        self._check(True)
        if whence == 1:
            offset += self._pos
        elif whence == 2:
            offset += _call("flashStat", self._path)[6]
        self._pos = max(0, offset)
        return self._pos

    def tell(self):
        return self._pos

    def flush(self):
        pass

    def close(self):
        self._closed = True

    def ioctl(self, request, arg):
        # MP_STREAM_FLUSH (1), MP_STREAM_SEEK (2), MP_STREAM_CLOSE (4): nothing is buffered here.
        # MP_STREAM_GET_BUFFER_SIZE (11) comes only from the reader that import uses
        # (extmod/vfs_reader.c), which then holds this file in C: no collection in its reads, so
        # each read's garbage (a host call's) stays until the module is compiled. The largest
        # buffer the reader takes (255 bytes, MICROPY_READER_VFS_MAX_BUFFER_SIZE) and a read-ahead
        # make them few: with LittleFS's answer (none: the default, 25 bytes) a 4.3 KB module
        # filled an ESP32's 95 KB (umqttsimple.py: MemoryError). The firmware's reads make no garbage.
        if request == 11:
            self._ahead = bytearray(max(1, min(8 * 255, self._size)))
            self._ahead_view = memoryview(self._ahead)
            self._start = self._end = 0
            return 255
        if request == 4:
            self.close()
        return 0

    def __del__(self):
        self._closed = True

    def __repr__(self):
        # extmod/vfs_lfsx_file.c:44-48 file_print: the type's name alone (FileIO, TextIOWrapper)
        return "<io.%s>" % type(self).__name__


# LittleFS's file types by the mode's "b" (extmod/vfs_lfsx_file.c:219-242): what type() shows. No
# make_new there, so calling one raises py/objtype.c's "can't create 'FileIO' instances" (v1.23.0
# 994-999): _boardsim makes them uncreatable.
class FileIO(_File):
    pass


class TextIOWrapper(_File):
    pass


_LIBRARY = "/boardsim/"
# The text of the file a run compiles (the worker's copy of a script, a --script main.py or a
# raw-paste's code; source_from's of a file of the board's): in the interpreter's own files, in a
# folder of its own that no path of the board's filesystem reaches (board-repl.ts SOURCE_FILE).
_SOURCE = "/text"
_REACHED = (0x8000, 0, 0, 0, 0, 0, 0, 0, 0, 0)  # its stat for run_source's check: no new object


def _own_execfile():
    # The interpreter's execfile (py/builtinevex.c v1.27.0 192-197, a built-in function: its type,
    # signature and C function, 3 words) copied into a heap block of its own, made for it: the
    # worker lets collections run under this object only (realm.ts ownExecfile), whose file is
    # always the run's (run_source), read by C alone, while the parser works.
    import builtins
    from _boardsim_js import ownExecfile

    own = tuple(range(2))  # 4 words, one block
    uctypes.bytearray_at(id(own), 12)[:] = uctypes.bytearray_at(id(builtins.execfile), 12)
    ownExecfile(id(own))
    return own


_execfile = _own_execfile()
del _own_execfile


def run_source(name, globals, compile=compile):  # compile: taken before a board without it loses it (PortProfile absent)
    """pyexec_file (v1.23.0 shared/runtime/pyexec.c:685-686): the run's file compiled and run in
    `globals`, its traceback's file `name`. The firmware's lexer reads main.py from the flash as it
    goes (pyexec.c:102-103 mp_lexer_new_from_file; py/lexer.c:891-895; extmod/vfs_reader.c
    mp_reader_new_file, 79-108, a buffer of at most 255 bytes), so the text costs the heap nothing:
    so does execfile here (py/builtinevex.c v1.27.0 166-167, the same reader), whose open of
    `name` (extmod/vfs.c mp_vfs_open) the flash answers with the run's file."""
    flash = _mounted
    _host.pause()  # the simulator's work, not the script's busy time: until the lexer's open (Flash.open)
    flash._source = name
    flash._reached = False
    try:
        os.stat(name)  # the interpreter's: where its open of `name` goes too (mp_vfs_lookup_path)
    except Exception:
        pass
    if flash._reached:
        try:
            return _execfile(name, globals)
        finally:
            flash._source = None
            _host.resume()
    # A filesystem the script mounted in place of the flash would be asked, and a Python one read
    # while C holds the lexer: the text is compiled from the heap instead. UNVERIFIED: the board
    # reads its main.py from there.
    flash._source = None
    _host.resume()
    with flash._run.open(_SOURCE, "rb") as f:
        code = compile(f.read(), name, "exec")
    exec(code, globals)


def source_from(f):
    """The file `f` (open for reading, as bytes) copied into the run's file a piece at a time, then closed."""
    piece = bytearray(1024)
    with f, _mounted._run.open(_SOURCE, "wb") as out:
        while True:
            n = f.readinto(piece)
            if not n:
                break
            out.write(piece if n == len(piece) else memoryview(piece)[:n])


def mount(library_loading):
    """Mounts the board's flash at "/" in place of the interpreter's own files (every run: a
    script run's flash is a fresh one in memory, a console's the --flash folder).
    `library_loading[0]`: how many of the library's modules are being imported (a list, not a
    function of _boardsim's: that would put all of _boardsim's objects under this one's, and the
    deepest path every collection marks grew past py/gc.c's mark stack, see _hostdata.py)."""
    global _mounted
    flash = _mounted = Flash(vfs.VfsPosix("/boardsim"), vfs.VfsPosix("/beside"), vfs.VfsPosix("/script"), library_loading)
    vfs.umount("/")
    vfs.mount(flash, "/")
    os.chdir("/")


_mounted = None


def modules_on_flash(names, entries):
    """Of `names`, those import finds on the board's flash along the sys.path `entries` before any
    frozen module of the name: one host call."""
    return _mounted.modules_on_flash(names, entries)


def changes():
    """How many changes (and changes of directory) the script made through the flash's functions."""
    return _mounted._changes


def changed():
    """A filesystem mounted or unmounted (vfs.mount): what import found on the flash may not hold."""
    _mounted._changes += 1


# A piece of a listing (flash.ts listing): at least one entry of the longest name (255 characters,
# 765 bytes in UTF-8, and 6); mp_obj_array_t's len and items (py/objarray.h v1.27.0), a window's.
_PIECE = 1024
_WINDOW = {"len": 8 | uctypes.UINT32, "items": 12 | uctypes.UINT32}


class iterator:
    # os.ilistdir()'s, the firmware's C iterator (extmod/vfs_lfsx.c v1.23.0 171-238: a
    # mp_type_polymorph_iter, py/objpolyiter.c), named, printed and listed by dir() as that type is:
    # one (name, type, inode, size) at a time, as it reads the directory (MP_S_IFDIR / MP_S_IFREG,
    # extmod/vfs.h), names bytes for a bytes path (194-198). Here from pieces of the listing
    # (flash.ts listing), the first read at the call (whose errors are lfs_dir_open's, 232-235).
    # The whole listing's tuples, made at once, held 64 bytes an entry: os.listdir of a few hundred
    # files ran out of an ESP8266's 38 KB heap. Each piece is copied into the iterator's buffer
    # (_host.call_into), and each name made from it through a window (a bytearray over the buffer
    # whose address and length are set for the entry) as vfs_lfsx.c makes it, mp_obj_new_str or
    # mp_obj_new_bytes of the name (py/objstr.c v1.27.0 str_make_new, bytes_make_new): an entry
    # leaves its tuple and name only, as on the board (a name already a qstr, none).
    def __init__(self, path, as_bytes):
        self._path = path
        self._bytes = as_bytes
        self._buf = bytearray(_PIECE)
        self._window = uctypes.bytearray_at(uctypes.addressof(self._buf), 0)
        self._set = uctypes.struct(id(self._window), _WINDOW, uctypes.LITTLE_ENDIAN)
        self._last = None
        self._take("")

    def _take(self, after):
        # (whose errors, the first time, are the call's)
        self._end, self._more = _call_into(self._buf, "flashIlistdir", self._path, after, _PIECE)
        self._pos = 0

    def __iter__(self):
        return self

    def __next__(self):
        pos = self._pos
        while pos == self._end:  # (the next piece is empty if its files went meanwhile)
            if not self._more:
                raise StopIteration
            last = self._last
            self._take(last.decode() if self._bytes else last)
            pos = 0
        b = self._buf
        n = b[pos + 4] | b[pos + 5] << 8
        window = self._set
        window.len = n
        window.items = uctypes.addressof(b) + pos + 6
        self._pos = pos + 6 + n
        name = self._last = bytes(self._window) if self._bytes else str(self._window, "utf-8")
        if b[pos + 3] & 0x80:
            return (name, 0x4000, 0, 0)
        return (name, 0x8000, 0, b[pos] | b[pos + 1] << 8 | b[pos + 2] << 16 | b[pos + 3] << 24)

    def __repr__(self):
        return "<iterator>"


class Flash:
    # `library`: the board's modules (the firmware's built-in and frozen ones), found by import
    # under /boardsim/ while one of them loads, but not a folder of the flash.
    # `beside_script`: the other .py files of a --script's folder, read where the flash has no such file.
    # `run`: the folder of the run's file (run_source), whose name only run_source's open finds.
    def __init__(self, library, beside_script, run, library_loading):
        self._cwd = "/"
        self._library = library
        self._beside = beside_script
        self._run = run
        self._source = None  # the name run_source runs, until its open
        self._reached = False
        self._library_loading = library_loading
        self._changes = 0
        # The script's neighbours, copied in at start (runtime/script.ts scriptNeighbours)
        self._neighbours = set(entry[0] for entry in beside_script.ilistdir("/") if entry[0].endswith(".py"))
        self._neighbour_modules = [name[:-3] for name in self._neighbours]

    def _in_library(self, path):
        return path.startswith(_LIBRARY) and self._library_loading[0] > 0

    def _beside_script(self, path, mode="r"):
        # Only top-level .py files, only for reading, only where the flash has none. "//x.py" is one:
        # import joins a sys.path entry "/" (the ESP8266's) and the name with "/" (py/builtinimport.c:127-133).
        if path.lstrip("/").count("/") or not path.endswith(".py") or "w" in mode or "a" in mode or "+" in mode:
            return None
        try:
            _held("flashStat", path)
            return None
        except OSError:
            pass
        try:
            self._beside.stat(path)
            return self._beside
        except OSError:
            return None

    def _abs(self, path):
        if not path.startswith("/"):
            path = self._cwd.rstrip("/") + "/" + path
        return path

    def modules_on_flash(self, names, entries):
        # The host walks sys.path as py/builtinimport.c:117-152 does (host/vfs_lfs.ts flashModules),
        # the script's neighbours standing in "/".
        return _call("flashModules", names, self._cwd, entries, self._neighbour_modules)

    def mount(self, readonly, mkfs):
        pass

    def umount(self):
        pass

    def ilistdir(self, path):
        as_bytes = type(path) is bytes
        return iterator(self._abs(path.decode() if as_bytes else path), as_bytes)

    def chdir(self, path):
        self._changes += 1
        path = self._abs(path)
        if not _call("flashIsDir", path):
            raise OSError(20)  # ENOTDIR
        parts = []
        for part in path.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part and part != ".":
                parts.append(part)
        self._cwd = "/" + "/".join(parts)

    def getcwd(self):
        return self._cwd

    def mkdir(self, path):
        self._changes += 1
        _call("flashMkdir", self._abs(path))

    def remove(self, path):
        self._changes += 1
        _call("flashRemove", self._abs(path))

    def rmdir(self, path):
        self._changes += 1
        _call("flashRemove", self._abs(path))

    def rename(self, old, new):
        self._changes += 1
        _call("flashRename", self._abs(old), self._abs(new))

    def stat(self, path):
        if path == self._source:
            self._reached = True  # run_source's check (the interpreter's os.stat)
            return _REACHED
        path = self._abs(path)
        if self._library_loading[0] > 0:
            # The library's modules import only each other and built-in ones: no host call (and
            # no collection) in the middle of their import.
            if not path.startswith(_LIBRARY):
                raise OSError(2)  # ENOENT
            return self._library.stat(path[len(_LIBRARY) - 1 :])
        beside = self._beside_script(path)
        if beside:
            return beside.stat(path)
        return tuple(_held("flashStat", path))

    def statvfs(self, path):
        return tuple(_call("flashStatvfs"))

    def open(self, path, mode):
        if path == self._source:
            # The lexer's (run_source): the run's file, in the interpreter's own files, read by C.
            # From here on it is the script's work (the compiler's, as on the board).
            self._source = None
            f = self._run.open(_SOURCE, "rb")
            _host.resume()
            return f
        if mode == "":
            mode = "r"
        path = self._abs(path)
        if self._in_library(path):
            return self._library.open(path[len(_LIBRARY) - 1 :], mode)
        beside = self._beside_script(path, mode)
        if beside:
            return beside.open(path, mode)
        if "r" not in mode or "+" in mode:
            self._changes += 1  # a file may be made
        # Made by object.__new__: the types have no make_new, as the firmware's (_boardsim makes them uncreatable).
        f = object.__new__(FileIO if "b" in mode else TextIOWrapper)
        f.__init__(path, mode, _held("flashOpen", path, mode))
        return f
