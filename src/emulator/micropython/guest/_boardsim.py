# Runs the user's script as the board's main program: the board's modules in place of the
# interpreter's, the script compiled from its file under its own name, and an uncaught exception printed
# as the board's traceback (frames of this library left out, as the firmware's C modules have none).
import sys

import _gc
import _host
import _time

_ballast = None
_reserved = None
_script = None
_globals = None
_run_source = None  # _flash.run_source


def setup(name, heap):
    """Before the heap is capped: the board's modules in place of the interpreter's, the script's name kept."""
    global _script, _run_source, setup, _as_builtin, _OPTIONAL, _mark_first, _reserved, _offer_board_modules
    # The port collects nothing inside this call unless asked (ports/webassembly/main.c gc_collect
    # only sets a flag), so without these collections the compilers' garbage piles up: start-up
    # then needed 112-116 KiB of the library's 128 KiB room (worker.ts), 72-80 KiB with them;
    # past the room py/gc.c gc_alloc adds a second heap area, which every collection of the
    # script's sweeps and marks. Here, between imports, only Python frames hold objects, as at the
    # script's host calls.
    _gc.collect()
    # The board's heap in one block, the worker's first (lowest in the heap, worker.ts): held until the script runs.
    _reserved = heap
    import _builtin_functions
    import _dir

    import _flash
    import _micropython
    import _modmicropython

    # Reached through micropython's functions, and kept out of sys.modules from here: one entry more
    # there reordered its table, and with it the chain the collector marks first (_mark_first),
    # whose marking then filled py/gc.c's mark stack on the ESP32 (python-gc.test.ts, "mark stack").
    del sys.modules["_modmicropython"]
    import _os
    import _sys
    import _vfs

    # Kept out of sys.modules (as _modmicropython above) once _sys took uncreatable: one more entry
    # there reordered the chain _mark_first builds, and the ESP32's .py echo then filled py/gc.c's mark stack.
    del sys.modules["_builtin_functions"], sys.modules["_dir"]

    vfs_code = sys.modules.pop("_modvfs")  # as _modmicropython: reached through vfs's functions
    # The board's modules under the firmware's names (the import hook maps the u-prefixed aliases):
    # their repr shows that name, never this library's file.
    for module, as_name in ((_time, "time"), (_gc, "gc"), (_sys, "sys"), (_os, "os"), (_micropython, "micropython")):
        _as_builtin(module, as_name)
        sys.modules[as_name] = module
    _as_builtin(_vfs, "vfs")
    sys.modules["vfs"] = _vfs
    # The interpreter's errno has Linux's numbers, the rp2 and ESP8266 ones; the ESP32's differ.
    if _host.info["ownErrno"]:
        import _errno

        _errno.renumber(_host.info["errorcode"])
    import socket
    import select

    # The names of a socket's number and a TLS socket's socket, which no script can name once the
    # modules that use them compiled (_stream.FD)
    _builtin_functions.conceal(sys.modules["_stream"].FD)
    _builtin_functions.conceal(sys.modules["_stream"].SOCK)
    _builtin_functions.uncreatable(sys.modules["_modselect"]._Poll)  # select.poll()'s type (_modselect.py)
    _builtin_functions.uncreatable(_flash.FileIO)  # open()'s types (_flash.py)
    _builtin_functions.uncreatable(_flash.TextIOWrapper)
    _gc.collect()  # their compilation's garbage: `import machine` next compiles the largest module
    # The interpreter's own asyncio (the browser's) is frozen; ours, first on sys.path, replaces it.
    sys.modules.pop("asyncio", None)
    # Built into the firmware (C), so importing it costs a script no heap: loaded before the heap is the board's.
    import machine
    if _host.info["port"]["adcBlock"]:
        _gc.collect()  # machine's compilation's garbage, before the ESP32's ADCBlock (_modadcblock.py) compiles
        import _modadcblock
    # Modules only some boards' firmware has (vendor, port and frozen ones): elsewhere ImportError.
    import os
    # Out of the import path (a name with a dot is never imported), so mip can install its own.
    for package in _host.info["notFrozen"]:
        os.rename("/boardsim/" + package, "/boardsim/" + package + ".notfrozen")
    for module in _OPTIONAL:
        if module not in _host.info["modules"]:
            os.remove("/boardsim/%s.py" % module)
    global _native_help, _import_as_firmware, _c_types
    import builtins

    _c_types = _dir.classes
    _native_help = builtins.help
    builtins.help = help
    builtins.dir = _dir.dir
    builtins.sum = _dir.sum
    absent = _host.info["port"]["absent"]
    if absent:
        # what the board's firmware is built without (_flash took compile and execfile before)
        _builtin_functions.absent(absent["modules"], absent["types"])
        if not absent["pow3"]:
            _builtin_functions.pow_of_two_arguments()
    import _boardsim_js  # while it can still be imported

    _mark_first()
    _import_as_firmware(vfs_code, _builtin_functions.hide)
    # Run once: kept, its table of 16 nested functions' code was marked at every collection, on
    # top of the script's objects. py/gc.c gc_mark_subtree (v1.27.0 lines 457-527) pushes each
    # unmarked child of a block on a stack of 64 (py/mpconfig.h:256); one more and it rescans the
    # whole heap for marked blocks (gc_deal_with_stack_overflow, 549-567): the .py echo's
    # collections took twice as long (0.29 ms, was 0.15) when the table grew by 3 (w13-review).
    del _import_as_firmware
    # modlwip's socket module is also built in as lwip, the same object (extmod/modlwip.c v1.23.0
    # :1825, :1864, :1867; py/objmodule.c:176-200 returns the table's entry as it is): its name, the
    # host's rule (modbuiltins.ts), and held under it. Named here, not in socket.py: a name more in
    # socket.py's globals reordered the chain _mark_first builds, and every collection of the bench's
    # Pico W .py echo filled py/gc.c's mark stack (1060 of 1060; session 23).
    _held["socket"].__name__ = _host.info["nameOfSocketModule"]
    _held[_held["socket"].__name__] = _held["socket"]
    _offer_board_modules(_boardsim_js, _host.info["builtinModules"], _host.info["extensibleModules"])
    # The board's C modules' functions as its built-in ones (after _mark_first, which follows their __globals__).
    _builtin_functions.start(set(path.split("/")[0] for path in _host.info["frozenFiles"]))
    for module in list(sys.modules.values()) + list(_held.values()):
        _builtin_functions.hide(module)
    _builtin_functions.hide(globals())
    _builtin_functions.hide(_dir)
    # socket.socket.__dict__ as the port's socket type's locals table (after hide: it deletes names there)
    _builtin_functions.in_order(_held["socket"].socket, _host.info["port"]["tableOfSocketType"])
    _builtin_functions.in_order(machine.Pin, _host.info["port"]["tableOfPinType"])  # machine.Pin.__dict__ likewise
    _flash.mount(_loading)
    _search_flash()  # before the heap is the board's: the script's imports need not ask the flash
    _script = (name, len(heap))
    _run_source = _flash.run_source
    # What only start-up reads, dropped as _import_as_firmware is: the host's lists of module names,
    # the tables the modules imported above copied. Kept: what help() and the modules a script
    # may import later (tls, esp) read. Each object still held is one more for the collector to
    # mark at each collection, on the deepest path, see _hostdata.py.
    info = _host.info
    for table, kept in ((info, ("help", "helpModules", "port")), (info["port"], ("platform", "tls"))):
        for key in [key for key in table if key not in kept]:
            del table[key]
    # help('modules')'s names as one str: one object, not 30-70.
    info["helpModules"] = " ".join(info["helpModules"])
    _modmicropython._qstr_base()  # the library's qstrs, which qstr_info() leaves out
    if absent and not absent["functionAttrs"]:
        _builtin_functions.no_function_attrs()  # last: start-up reads its functions' __globals__ (_mark_first)
    del setup, _as_builtin, _OPTIONAL, _mark_first, _offer_board_modules


def _offer_board_modules(bridge, names, extensible):
    # py/repl.c (v1.23.0 157-170, 294-298): after "import ", Tab completes the names of the built-in
    # module tables, the interpreter's here: all the board's C modules (`names`, those this library
    # is, loaded or not: machine, tls, esp32, _onewire) join them while the REPL completes
    # (builtin-module-map.ts), an extensible one the extensible table. Completion looks only
    # for the name: a module not loaded yet stands as None. Each name is a qstr, interned here (the
    # listing's order is the firmware's, import-completion.ts). uctypes and sys, json (_host's): the
    # interpreter's own, in each table. Its garbage is collected before the library's next modules
    # load, as between setup's imports: left, the library passed its room and py/gc.c added a second
    # heap area (169 KB more on an ESP8266, held as spare, its table swept at every collection).
    for table, known, other in ((0, _host.uctypes, _host.sys), (1, _host.json, None)):
        added = []
        for name in names:
            if (name in extensible) == (table == 1):
                getattr(_offer_board_modules, name, None)  # interns it (py/objstr.c mp_obj_str_get_qstr)
                added += [id(name[:]), id(_held.get(name))]  # the qstr (py/objstr.c mp_obj_new_str)
        bridge.offerBoardModules(table, id(known), id(other) if other else 0, *added)
    _gc.collect()


# The library's modules, for the collector to mark before anything else (library-first.ts).
_first = None


def _mark_first():
    # A chain of (next, payload) tuples: the library's module dicts, each after those its values lead
    # to (the modules it holds, the globals of its functions, closures and classes' methods), so that
    # marking it stops at theirs (but in a cycle: _host and _hostdata). The last tuple's payload is
    # the worker's to fill.
    import _boardsim_js

    module = type(sys)

    def generator():
        yield

    def closure():
        return generator

    functions = (type(generator), type(_mark_first), type(closure))
    order = []
    seen = set()

    def visit(names):
        if id(names) in seen:
            return
        seen.add(id(names))
        for value in names.values():
            kind = type(value)
            if kind is module:
                visit(value.__dict__)
            elif kind in functions:
                visit(value.__globals__)
            elif kind is dict:
                for item in value.values():
                    if type(item) is module:
                        visit(item.__dict__)
            elif kind is type and type(getattr(value, "__dict__", None)) is dict:
                for item in value.__dict__.values():
                    if type(item) in functions:
                        visit(item.__globals__)
        order.append(names)

    visit(sys.modules)
    global _first
    tail = (None, None)
    _first = tail
    for names in reversed(order):
        _first = (_first, names)
    _boardsim_js.markFirst(id(_first), id(tail))


# The modules only the worker's own code imports (worker.ts runLibrary).
_WORKERS = ("_boardsim", "_board")

# How many of this library's modules are loading now: only then are its files readable.
_loading = [0]

# Guest modules that exist only where a board's profile lists them.
_OPTIONAL = ("mpython", "esp", "esp32", "rp2", "dht", "ds18x20", "onewire", "neopixel", "upysh", "webrepl", "webrepl_setup")


def _import_as_firmware(vfs_code, hide_functions):
    # Modules of this library import as the firmware's: a frozen one shows its manifest's path, a
    # built-in (C) one no file at all (py/builtinimport.c). Its private modules (and the
    # interpreter's bridges to JavaScript, which would reach Node) are not in sys.modules and
    # import only into the library's own modules: for a script, ImportError as on the board.
    import builtins
    import os
    import _flash

    from _boardsim_js import ownImport as own_import

    frozen_files = set(_host.info["frozenFiles"])
    library = set(n[:-3] if n.endswith(".py") else n for n in os.listdir("/boardsim"))
    private = {}
    for name in ("js", "jsffi", "_boardsim_js"):
        private[name] = None
    # The firmware's built-in (C) modules are never in sys.modules (py/builtinimport.c keeps only
    # modules loaded from .py/.mpy there): the board's built-in ones are held here instead.
    builtin = set(_host.info["builtinModules"])
    held = _held
    # Modules the firmware has (built-in or frozen): any other name imports only from the
    # filesystem ("", /lib), as the interpreter's own frozen and built-in extras are not the board's.
    ours = set(_host.info["firmwareModules"])

    extensible = set(_host.info["extensibleModules"])
    # The firmware's frozen modules (those of this library): found where ".frozen" is on sys.path,
    # after a file or folder of the name in an entry before it (py/builtinimport.c:117-152).
    frozen_here = set(n for n in ours if n not in builtin and n in library)
    # What a file or folder of the student's may stand in for (a built-in module not extensible never)
    shadowable = extensible | frozen_here

    def builtin_named(top):
        # The built-in module an import of `top` finds (py/objmodule.c:176-200): the board's own, and
        # `u` + an extensible one's name (the built-in even where a file has that name), and usys.
        if top in builtin:
            return top
        if top == "usys":
            return "sys"
        if top[:1] == "u" and top[1:] in extensible:
            return top[1:]
        return None

    def is_builtin(top):
        return builtin_named(top) is not None

    nested = [0]  # imports of the firmware's own modules running: theirs are the interpreter's business
    students = [0]  # imports of the student's files running: sys.modules is sorted once they end
    original = builtins.__import__
    loading = _loading
    own_imports = _host.own_imports
    kept = set()  # sys.modules entries found to be the firmware's frozen ones or the student's

    def hide():
        # No host call in here (a file's stat): one would count the rest of an untimed import as
        # the script's busy time (_host.call resumes the count).
        for name in list(sys.modules):
            dot = name.find(".")
            top = name if dot < 0 else name[:dot]
            if name in kept:
                pass
            elif top.startswith("_") or top in ("js", "jsffi"):
                # the library's own, loaded at start-up or later (vfs's FAT driver, tls's streams):
                # the firmware's sys.modules holds no such name (py/builtinimport.c keeps there only
                # what it loaded from a file); one that is the board's C module (_onewire,
                # extmod/modonewire.c:166; _rp2, ports/rp2/modrp2.c:106) a script imports too
                module = sys.modules.pop(name)
                (held if dot < 0 and top in builtin else private)[name] = module
                if top in library:
                    hide_functions(module)  # the library's functions as the firmware's C ones (_builtin_functions.py)
                    if "__file__" in module.__dict__:
                        del module.__file__  # a C module of the board's (onewire._ow, _onewire) has none
            elif top in ours and top not in builtin:
                kept.add(name)  # frozen on the board
            elif dot < 0 and is_builtin(top):
                module = sys.modules.pop(name)
                if "__file__" in module.__dict__:
                    # the interpreter's .py half of a module C on the board (its frozen io.py adds
                    # SEEK_SET, ... to the C io): the board's is the C one, by its u-name
                    module = original("u" + name)
                held[name] = module
                if top in library:
                    hide_functions(module)  # not the interpreter's own (struct, json): no Python functions, and no work at a script's import
            else:
                # what the interpreter's own .py modules imported (abc, ...) and its packages' parts
                # (os.path, collections.defaultdict): the board has none
                sys.modules.pop(name)

    def _import(name, *args):
        if name in _WORKERS and not own_import():
            # the worker's own code imports them (worker.ts runLibrary), a script never, loaded or not,
            # nor a callback run while a library module loads (no module of the library imports them)
            raise ImportError("no module named '%s'" % name)
        if len(args) < 4 or not args[3]:
            top = name.split(".")[0] if "." in name else name
            if loading[0] == 0 and nested[0] == 0:
                # The script's import, in the firmware's order (py/builtinimport.c:366-413): a module
                # loaded from a file (while sys.path is not empty), a built-in one that is not
                # extensible, a file on sys.path, an extensible built-in one.
                if name in kept and sys.path and name in sys.modules:
                    return original(name, *args)
                if top in shadowable and shadowed(top):
                    return students_file(name, args)
            elif top in shadowable and importers and importers[-1] in frozen_here:
                return frozens_import(name, args)
            if name in held:
                return held[name]
            base = builtin_named(top)
            if base is not None:
                if top != name:
                    # a C module is no package: py/builtinimport.c:454 names the dotted module
                    raise ImportError("no module named '%s'" % name)
                module = builtin_module(base, name)
                if module is not None:
                    return module
                name = base
        # the library's private modules import only into its own modules, as they load or at their
        # own imports later (_host.own_imports): for a script, as on the board, no such module
        own = loading[0] or own_imports[0] or name in _WORKERS
        if name in private:
            if not own or private[name] is None:
                raise ImportError("no module named '%s'" % name)
            return private[name]
        package = name.split(".")[0]
        if package[:1] == "_" and package in library and not own and package not in builtin:
            raise ImportError("no module named '%s'" % name)
        if package not in library:
            if (len(args) > 3 and args[3]) or loading[0] or nested[0] or name in kept:
                return original(name, *args)
            if package not in ours and not is_builtin(package):
                return students_file(name, args)
        elif name in sys.modules:
            return original(name, *args)
        before = len(sys.modules)
        nested[0] += 1
        try:
            return _load(name, package, args)
        finally:
            nested[0] -= 1
            if nested[0] == 0 and students[0] == 0 and len(sys.modules) != before:
                hide()

    def builtin_module(base, name):
        # The board's built-in module `base` (imported as `name`), None if not loaded yet.
        module = held.get(base)
        if module is None and base in extensible and base not in library:
            # The interpreter's own C module by its u-name: never a file nor its .py half (io.py,
            # collections/, binascii.py extend the C ones in the interpreter's frozen library).
            try:
                module = held[base] = original("u" + base)
            except ImportError:
                raise ImportError("no module named '%s'" % name)
        return module

    importers = []  # the packages of this library's modules loading now, the innermost last

    def frozens_import(name, args):
        # A firmware's frozen module (mip's `import requests`) imports as the script does
        # (py/builtinimport.c:366-413: the same sys.path, "" before ".frozen"), so a student's file
        # may be what it gets; the library's private modules keep getting the library's. A student's
        # file running here runs inside the frozen import, where C alone holds the import hook's
        # arguments: no collection (nor the held heap taken back, __import__ below) until it ends.
        at = sys.path.index("/boardsim")
        del sys.path[at]
        counts = loading[0], nested[0]
        loading[0] = nested[0] = 0
        try:
            return _host.constructor(_import)(name, *args)
        finally:
            loading[0], nested[0] = counts
            sys.path.insert(at, "/boardsim")

    found = {}  # shadowable module name: whether import finds it on the flash first
    seen = [-1, None]  # the flash's changes and sys.path that `found` is for

    def shadowed(top):
        # Whether a script's import of `top` (one of `shadowable`) loads the student's file or
        # folder (py/builtinimport.c:117-152 stat_top_level, 366-413): one on sys.path before
        # ".frozen" for a frozen module, anywhere for an extensible built-in one. Asked of the flash
        # once per name until the script changes the flash or sys.path: not at each `import time`
        # (a host call in every import made python-gc.test.ts's ESP8266 workloads run out of heap,
        # the firmware collects and retries where boardsim cannot).
        changes = _flash.changes()
        path = _script_path()
        if seen[0] != changes or seen[1] != path:
            found.clear()
            seen[0] = changes
            seen[1] = path
        if top not in found:
            search((top,), path)
        return found[top]

    def search(names, path):
        mounts = [point.rstrip("/") for point, _ in vfs_code._mounted]
        on_flash = search_mounted(names, mounts, path) if mounts else _flash.modules_on_flash(list(names), path)
        # without ".frozen" on sys.path a frozen module is only the student's (else ImportError)
        no_frozen = ".frozen" not in path
        for name in names:
            found[name] = name in on_flash or (no_frozen and name in frozen_here)
        if mounts:
            seen[0] = -1  # a mounted filesystem's files change without the flash's count: asked again

    def search_mounted(names, mounts, path):
        # sys.path in order (py/builtinimport.c:117-152), where the script mounted a filesystem
        # (mpremote mount's /remote, a FAT on a block device): an entry in one is stat'ed there,
        # by the path import stats ("<entry>/<name>", :127-133), each run of the others asked of
        # the flash in one host call. A relative entry is the current directory's filesystem's
        # (extmod/vfs.c:57-93): where that is a mount, the path goes to it relative, and it
        # resolves it itself (mpremote's RemoteFS joins its own directory even to an absolute
        # path, transport_serial.py:847-899); at "/" (chdir("/") leaves the root current,
        # vfs.c:318-343) it is looked up as an absolute one; elsewhere it is the flash's.
        cwd = os.getcwd().rstrip("/")
        here = on_mount(cwd, mounts)
        wanted = list(names)
        held = []
        run = []
        for entry in path + [None]:
            mounted = False
            if isinstance(entry, str) and not entry.startswith(".frozen"):
                if entry.startswith("/"):
                    mounted = on_mount(entry.rstrip("/"), mounts)
                else:
                    mounted = here or (cwd == "" and on_mount(("/" + entry).rstrip("/"), mounts))
            if not mounted and entry is not None:
                run.append(entry)
                continue
            if run and wanted:
                got = _flash.modules_on_flash(wanted, run)
                held.extend(got)
                # past ".frozen" a frozen module is the firmware's (:57-70): no later entry's file
                frozen = ".frozen" in run
                wanted = [name for name in wanted if name not in got and not (frozen and name in frozen_here)]
            run = []
            if mounted:
                for name in wanted:
                    if module_at(entry + "/" + name if entry else name):
                        held.append(name)
                wanted = [name for name in wanted if name not in held]
        return held

    def on_mount(path, mounts):
        return any(path == point or path.startswith(point + "/") for point in mounts)

    def module_at(base):
        # py/builtinimport.c:98-112 stat_module: a folder, else name.py or name.mpy as a file
        for path, kind in ((base, 0x4000), (base + ".py", 0x8000), (base + ".mpy", 0x8000)):
            try:
                if os.stat(path)[0] & 0xF000 == kind:
                    return True
            except OSError:
                pass
        return False

    def search_flash():
        seen[0] = _flash.changes()
        seen[1] = _script_path()
        search(shadowable, seen[1])  # every name in one host call

    def flash_unseen():
        # A soft reset brings the interpreter back as it was at start-up (worker.ts), `found` with
        # it: the last run may have written or removed a module's file, so import asks the flash again.
        seen[0] = -1

    def students_file(name, args):
        # A module the firmware has not: only a file of the student's (the flash, /lib, mip's) may
        # be it, so the interpreter's frozen modules are off the path (and its built-in ones, cmath
        # where the board has none, refused). What it loads is the student's.
        known = set(sys.modules)
        students[0] += 1
        try:
            module = _from_filesystem(original, name, args)
        finally:
            students[0] -= 1
            kept.update(n for n in sys.modules if n not in known)
            if students[0] == 0 and nested[0] == 0:
                hide()
        return module

    def _load(name, package, args):
        if package not in library:
            return original(name, *args)
        loading[0] += 1
        if loading[0] == 1:
            sys.path.insert(0, "/boardsim")
        outer = sys.modules.get(package)
        if getattr(outer, "__path__", None) == ".frozen/" + package:
            outer.__path__ = "/boardsim/" + package  # where its submodules load from here
        importers.append(package)
        try:
            module = original(name, *args)
        finally:
            importers.pop()
            loading[0] -= 1
            if loading[0] == 0:
                sys.path.remove("/boardsim")
            # the firmware's frozen package (umqtt): found at ".frozen/umqtt" (py/builtinimport.c:494-498)
            outer = sys.modules.get(package)
            if getattr(outer, "__path__", None) == "/boardsim/" + package:
                outer.__path__ = ".frozen/" + package
        # a package's submodules (umqtt.simple; asyncio.core, which asyncio's own import loads) too:
        # frozen as umqtt/simple.py
        for loaded_name, loaded in list(sys.modules.items()):
            if loaded_name.split(".")[0] == package and getattr(loaded, "__file__", "").startswith("/boardsim/"):
                frozen_as = frozen_file(loaded.__name__)
                if frozen_as:
                    loaded.__file__ = frozen_as
                    if frozen_as.endswith("/__init__.py"):
                        # a frozen package (asyncio, requests, mip) here one file: its firmware's
                        # __path__ (py/builtinimport.c:494-498)
                        loaded.__path__ = ".frozen/" + frozen_as[:-12]
                else:
                    del loaded.__file__
        return module

    def frozen_file(module_name):
        # Its file in the firmware's frozen manifest, without ".frozen/": the ports freeze .mpy,
        # whose __file__ is the path after the prefix (py/builtinimport.c:229; "frozentest.py" in
        # tests/ports/unix/extra_coverage.py:99-101, .exp:216). A package's is its __init__.py
        # (asyncio, requests), whatever file stands for it here.
        path = module_name.replace(".", "/")
        if path in frozen_files:
            return path + ".py"
        if path + "/__init__" in frozen_files:
            return path + "/__init__.py"
        return None

    builtins.__import__ = _import
    global _search_flash, _flash_unseen, _firmware_import
    _search_flash = search_flash
    _flash_unseen = flash_unseen
    _firmware_import = _import
    # The script's sys.path is the one the importer reads (so sys.path.append works), as the
    # firmware starts it: "", frozen modules (py/runtime.c:140-144), then the port's (PortProfile
    # sysPath). This library's folder is on it only while one of its modules loads.
    sys.path[:] = _host.info["port"]["sysPath"]
    for name, module in list(sys.modules.items()):
        if getattr(module, "__file__", "").startswith("/boardsim/"):
            del module.__file__  # loaded at start-up: built into the firmware
    hide()


_native_help = None
_c_types = None  # the library's classes that stand for C types, by id() (_dir.classes)
_search_flash = None
_flash_unseen = None
_firmware_import = None  # the import hook of _import_as_firmware


def help(*args):
    # py/builtinhelp.c: help() alone prints the port's text (ports/*/help.c), help('modules') the
    # firmware's modules; help(obj) is the VM's own. Named help, so print(help) shows no helper's name.
    if not args:
        sys.stdout.write(_host.info["help"])
    elif args[0] == "modules":
        _print_modules(_host.info["helpModules"].split())
    elif not _print_c_table(*args):
        return _native_help(*args)


def _print_c_table(obj, *more):
    # help() of the board's C module (one without __file__: py/builtinimport.c sets none) lists its
    # ROM table in its order (py/builtinhelp.c:124-156), which the host has; this library's module
    # dict would list them in its hash order. Lines as mp_help_print_info_about_object (:46-52).
    # Of a C type (a class of the library's that stands for one) or its object, the type's locals
    # table (:141-151): the port's order where the host has it, the names the class has more after
    # it (UNVERIFIED order, as any without a table); never the library's private names and fields.
    if more:
        return False
    kind = type(obj)
    if kind is type(sys):
        if hasattr(obj, "__file__"):
            return False
        order = _host.call("helpOrder", obj.__name__, False)
        if order is None:
            return False
        names = obj.__dict__
    else:
        cls = obj if kind is type else kind
        if id(cls) not in _c_types:
            return False
        names = cls.__dict__
        order = _host.call("helpOrder", cls.__name__, True) or []
        order += [name for name in names if name not in order and (name[0] != "_" or name in ("__del__", "__enter__", "__exit__"))]
    print("object %s is of type %s" % (obj, kind.__name__))
    for name in order:
        if name in names:
            print("  %s -- %s" % (name, names[name]))
    return True


def _print_modules(names):
    # py/builtinhelp.c:88-119 (mp_help_print_modules): column-first in 4 columns 18 wide, a name
    # wider than its column pushed to the next stop.
    rows = (len(names) + 3) // 4
    for i in range(rows):
        line = names[i]
        for j in range(i + rows, len(names), rows):
            gap = 18 - len(names[j - rows])
            while gap < 1:
                gap += 18
            line += " " * gap + names[j]
        sys.stdout.write(line + "\n")
    sys.stdout.write("Plus any modules on the filesystem\n")


# Where _from_filesystem took ".frozen" off sys.path while a student's file loads (the outermost).
_frozen_off = []


def _from_filesystem(original, name, args):
    try:
        at = sys.path.index(".frozen")
    except ValueError:
        at = -1
    else:
        del sys.path[at]
        _frozen_off.append(at)
    try:
        module = original(name, *args)
    finally:
        if at >= 0:
            _frozen_off.pop()
            if ".frozen" not in sys.path:
                sys.path.insert(min(at, len(sys.path)), ".frozen")
    if "__file__" not in module.__dict__ and "__path__" not in module.__dict__:
        # the interpreter's own built-in module, not a file nor a folder (a namespace package,
        # py/builtinimport.c:478-495) of the student's
        raise ImportError("no module named '%s'" % name)
    return module


def _script_path():
    # sys.path as the script has it: the imports a student's file makes while it loads find the
    # firmware's frozen modules (its `import dht`, microdot_asyncio's `import uasyncio`), which
    # _from_filesystem keeps off the path only for finding that file.
    path = list(sys.path)
    if _frozen_off:
        path.insert(min(_frozen_off[0], len(path)), ".frozen")
    return path


def _as_builtin(module, name):
    module.__name__ = name
    del module.__file__


def _trim_heap(heap_bytes):
    # What the library left free beyond the board's heap is held, so the script finds the board's
    # heap free. The library's garbage is freed first, while the board's block is still reserved, so that its
    # holes are held with the others. Freed by the collection that lets the reserved block go
    # (_hold), they stayed free, and the holds of what the free bytes had beyond the board's heap
    # went into the board's block instead, which lies below the library: py/gc.c gc_alloc (v1.27.0
    # 807-823) takes the lowest free run that fits, from the heap's start after a collection
    # (gc_collect_end, 542-544). Its free bytes were then two blocks or more: on the ESP32 the
    # largest 89 KB of 111 KB, so a script's bytearray(48000) twice did not fit. How much garbage
    # there was, and so whether, depended on the library's size (a class more in _flash.py).
    _gc.collect()
    _hold_spare(_hold_all_but(heap_bytes))


def _hold_spare(held):
    # Every change of the held spare goes through here: the worker keeps its pieces out of each
    # collection's marking while they are held (spare-heap.ts), so it must know when they are let go.
    global _ballast
    _ballast = held
    _host.spare(held)


# A board's heap is nearly empty after boot, so its free bytes are one block (an ESP8266 script
# allocates bytearray(12288) out of ~35 KB free). Here the library's modules leave holes all over
# the heap (ESP8266: 37 KB free, the largest block 6 KB): the allocator is first-fit, so the holes
# are filled and the free bytes left are those of one block, reserved before the library loaded.
def _hold_all_but(keep_free):
    """Holds all free memory but `keep_free` bytes, those in one block (`_reserved`, else the largest found)."""
    return _host.untimed(_hold, keep_free)  # the simulator's work, not the script's busy time


def _hold(keep_free):
    if _reserved is None:  # else the board's heap, reserved before the library loaded (setup)
        _reserve(keep_free)
    held = _fill(None, 0)  # every hole around the reserved block
    _reserve(0)  # let go (stored and cleared in their own frames: no stale reference left on this one)
    _gc.collect()
    return _fill(held, keep_free)  # what the reserved block has beyond `keep_free`


# Each block the holds allocate is sized from the heap's largest free block, which the worker reads
# from the allocation table (_host.memory("holdable")), so no allocation of theirs fails: a failed
# try left ≈ 160 bytes of garbage (its bytearray object, the MemoryError and its traceback), and
# those holes, collected inside the script's held block, took a frozen module's objects there
# (ESP32, `import requests`: 84 KB in one block of 111 KB free).
def _reserve(size):
    # One block of `size` bytes, or of the largest free block less its object's own block.
    global _reserved
    _reserved = None
    size = min(size, _host.memory("holdable", 0) - 16)
    if size >= 16:
        _reserved = bytearray(size)


def _fill(held, keep_free):
    # Pieces, largest first, each in the lowest hole it fits, until `keep_free` bytes are free: a
    # chain of 2-tuples (one 16-byte block each, so even the smallest hole is taken), a piece's
    # bytearray object and its tuple two blocks of its size.
    size = _host.memory("holdable", keep_free)
    while size >= 16:
        held = (held, bytearray(size - 32) if size >= 64 else None)
        size = _host.memory("holdable", keep_free)
    return held


# The firmware's frozen Python libraries run from flash: importing one costs the script no heap.
# Here they compile into the heap, so the held spare is let go for the import and taken back after.
_FROZEN = ("asyncio", "uasyncio", "requests", "urequests", "ntptime", "umqtt", "mip")
_native_import = None  # the __import__ in place when the script starts
_held = {}  # the board's built-in modules once imported (_import_as_firmware)


def __import__(name, *args):
    # Named as the built-in it replaces: print(__import__) shows no helper's name (the firmware's,
    # a C function, prints <function>, py/objfun.c; the interpreter calls only a Python hook).
    if name and len(args) > 3 and args[3] == 1 and args[0] and "__path__" in args[0] and args[0]["__name__"] in _FROZEN:
        # A frozen package's import of one of its modules at the first use of a name (asyncio's
        # __getattr__, extmod/asyncio/__init__.py:27-31), made absolute: it loads from the library
        # as `import asyncio.event` does, with the held heap let go.
        name, args = args[0]["__name__"] + "." + name, args[:3] + (0,)
    if name.split(".")[0] not in _FROZEN or name in sys.modules or name in _held or _ballast is None:
        return _native_import(name, *args)
    _gc.collect()
    # The script's free blocks are held through the import (by the worker, held-free.ts), and only
    # the spare let go (its bytes freed at once, spare-heap.ts): the module compiles into the
    # spare's holes, and the script gets its free blocks back as they were. Let go with the spare,
    # they took the module's objects: taking back as many bytes left only the smallest holes free
    # (ESP8266, `import requests`: 37 KB free, no 1000 bytes in one block). Neither needs a
    # collection, which may not run here: under a built-in that calls back into Python (collector.ts,
    # `list(map(lambda _: asyncio.gather, ...))`) the import's garbage, freed by a later collection,
    # then adds itself to gc.mem_free() (ESP8266: ≈ 9 KB; not held again, left).
    free_before = _gc.mem_free()
    _host.hold_free(True)
    script_free = True
    try:
        _hold_spare(None)
        try:
            return _host.untimed(_native_import, name, *args)
        except MemoryError:
            # The spare's holes are too few for the module: it takes the script's blocks too.
            _host.hold_free(False)
            script_free = False
            _gc.collect()
            return _host.untimed(_native_import, name, *args)
    finally:
        # Taken back here, once the import is done (a host call inside it, the import order asking
        # the flash after the script wrote a file, took the heap back before the module compiled),
        # not at a later host call: dir(asyncio), whose __getattr__ imports its parts, ran out of
        # heap between two names then. What the import left free is the spare again, then the
        # script's blocks are let go; if the import took them too, as many bytes as the script
        # had are left free, in one block if they can be.
        try:
            _gc.collect()
            _hold_spare_again(0 if script_free else free_before)
        finally:
            if script_free:
                _host.hold_free(False)
        _host.clear_stack()


def _hold_spare_again(keep_free):
    # In frames above the import hook's, whose words naming the new spare's chain it clears after
    # (python-stack.ts): left in its own frame, a later frame's padding could keep one (py/bc.c
    # zeroes a frame's slots, not its padding), and with it the chain's tuples once let go.
    _hold_spare(_hold_all_but(keep_free))


def _import_frozen_without_heap():
    global _native_import
    import builtins

    _native_import = _firmware_import
    builtins.__import__ = __import__


def _prepare_firmware():
    # Before the first boot of a board with its console (board-repl.ts): the board's heap free, as before a script.
    global _script
    _trim_heap(_script[1])
    _script = None
    _import_frozen_without_heap()
    _host.memory("mark")  # the board's heap: what mem_info() counts


def _mark_board_heap():
    # The board's heap, what mem_info() counts: the free blocks before the script is compiled, as
    # the firmware's counts its code too.
    _gc.collect()
    _host.memory("mark")


def _keep_running_callbacks():
    # After the script the board sits at its REPL, where running timers still call back: so
    # does the virtual board, until its timers stop (Ctrl-C or a reset end it).
    while _host.call("timersRunning"):
        _host.call("machineLightsleep", None)


def _start_script():
    # The board's heap free for the script; its name.
    global _script
    name, heap_bytes = _script
    _script = None
    _trim_heap(heap_bytes)
    _import_frozen_without_heap()
    return name


def run():
    try:
        name = _start_script()
        _host.clear_stack()
        _host.untimed(_mark_board_heap)  # the simulator's work, not the script's busy time
        # Held here too: while the script calls into a library module, only C locals (which the
        # collector cannot scan here) would hold its globals.
        # In __main__'s globals, as pyexec.c runs main.py: `import __main__` is the script's module.
        global _globals
        import __main__

        _globals = __main__.__dict__
        # Its text read from its file by the lexer as it compiles, never whole in the heap (_flash.py).
        _run_source(name, _globals)
        _keep_running_callbacks()
        if _host.duplicate is not None:
            _host.duplicate()  # os.dupterm's streams get the script's last output
    except SystemExit:
        if _host.soft_reset_requested():
            # machine.soft_reset(): the runner starts the interpreter again (runtime/boot.ts)
            _host.finish("soft-reset", "", "")
            return
    except BaseException as exc:
        # After a MemoryError the heap may be full: the held spare makes room to format the traceback.
        _hold_spare(None)
        _gc.collect()  # asks the interpreter for the collection, then runs it (_host.collect() alone ran none unless one was due)
        _host.finish("raised", type(exc).__name__, _host.format_exception(exc))
        return
    _host.finish("finished", "", "")
