# The bridge to the simulator: every module of the board calls the host API through call().
# Values cross as JSON; bytes cross as (address, length) in the Python heap, read and written by
# the worker directly, so big buffers need no extra copies. Socket data (recv, send, sendall,
# write) crosses without JSON through data() (the worker's data-channel.ts); what the host lends
# (read-ahead, send room) the script reads and writes in the lent copy (_hostdata.py), with no call at all.
import io
import json
import sys
import uctypes
from micropython import schedule as _native_schedule
from gc import collect as _native_collect  # the interpreter's: only asks for a collection (see _gc.py)


# The library's own imports at run time (vfs's FAT driver at its first use): the import hook
# (_boardsim._import_as_firmware) lets them reach its private modules, as while a module loads.
own_imports = [0]


def _bridge(js):
    # js (the worker's functions) stays in this closure: scripts cannot reach it to get at Node.
    # Each is looked up once: every lookup of a JS attribute allocates a proxy.
    js_call, js_blob, js_finish, js_collect = js.call, js.blob, js.finish, js.collect
    js_pause, js_resume = js.pause, js.resume
    js_data = js.data

    def fresh(kind, n):
        # A reply's buffer. Where the heap has no room for it the board's gc_alloc collects and
        # retries (py/gc.c v1.27.0 829-843); here the failed allocation asked for a collection
        # (the port's gc_collect), which the worker runs now if it may, by the rule of the host
        # call just made (only Python frames hold anything new since: worker.ts collectGarbage),
        # and not where that call was made with none (_constructing).
        try:
            return kind(n)
        except MemoryError:
            if _constructing[0]:
                raise
            js_collect()
            return kind(n)

    def blob(index, length):
        # Written into a new bytes object, which nothing else holds yet (py/objstr.c bytes_make_new,
        # v1.27.0 278-286; its hash is computed when first needed, lazy-str-hash.ts): one copy in
        # the heap, where a bytearray and its bytes() were two. Under call_into, the reply's one
        # blob goes into the caller's buffer instead, and stands as its length.
        into = _into[0]
        if into is not None:
            _into[0] = None
            js_blob(index, uctypes.addressof(into))
            return length
        if not length:
            return b""
        buf = fresh(bytes, length)
        js_blob(index, uctypes.addressof(buf))
        return buf

    def decode(value):
        # In place: a copy of each list and dict was a second of each in the heap (a long reply's
        # too, while no collection can run: under a built-in of C that calls back, see read_long).
        if isinstance(value, dict):
            if "__b" in value:
                return blob(*value["__b"])
            if "__f" in value:
                return float(value["__f"])
            for k in value:
                value[k] = decode(value[k])
        elif isinstance(value, list):
            for i in range(len(value)):
                value[i] = decode(value[i])
        return value

    def read_long(first, count, longest):
        # A long reply (worker.ts encodeReply): the value's list in pieces, each a JSON list of its
        # items, copied one after another into one buffer (the heap pays for the longest piece, not
        # for the whole text, which the firmware never has) and read there (json reads any buffer,
        # extmod/modjson.c:360-362). Under a built-in of C that calls back (sorted(), os.ilistdir()'s
        # call) no collection runs until it returns (realm.ts heldInC): the whole text did not fit there.
        buf = memoryview(fresh(bytearray, longest))
        value = []
        for index in range(first, first + count):
            value.extend(json.loads(buf[: js_blob(index, uctypes.addressof(buf))]))
        return value

    # call() and data() close over one tuple, not each function: a closure called with more than
    # five cells and arguments together copies them into a heap block only C refers to
    # (py/objclosure.c closure_call), which the worker must find and pin at each collection in
    # these calls (pinned-args.ts).
    def call(name, *args):
        js_pause, js_call, js_resume, read_reply = call_fns
        while True:
            # The bridge's own work is not the script's: the worker does not count it as busy time.
            js_pause()
            try:
                text = json.dumps(args)
                if "nan" in text or "inf" in text:
                    # JSON has no NaN or infinity: they cross tagged, for the host to refuse as the firmware does.
                    text = json.dumps(_tag_floats(args))
                r = js_call(name, text, _constructing[0] == 0)
                if type(r) is int:
                    value, scheduled = r >> 1, r & 1  # an integer and the callbacks-due bit, no JSON
                else:
                    value, scheduled = read_reply(r)
            finally:
                js_resume()
            if not scheduled:
                return value
            run_scheduled()
            if not _woken(scheduled):
                return value

    def read_reply(text):
        reply = json.loads(text)
        if "p" in reply:
            # A long reply (worker.ts encodeReply): its value's list in pieces, or ("w") the whole reply in one.
            value = read_long(*reply["p"])
            if "w" not in reply:
                return decode(value), reply.get("s", 0)
            reply = value[0]
        if "e" in reply:
            raise exception(*reply["e"])
        return decode(reply["v"]), reply.get("s", 0)  # 1: callbacks due, 2: and woken for them

    def data(op, fd, size, mv):
        js_pause, js_data, js_resume, read_reply = data_fns
        while True:
            # A socket data call without JSON (data-channel.ts): ints in, a count or the bytes read out.
            js_pause()
            try:
                address = uctypes.addressof(mv) if mv is not None and len(mv) else 0
                r = js_data(op, fd, size, address, 0 if mv is None else len(mv), _constructing[0] == 0)
                if type(r) is str:
                    value, scheduled = read_reply(r)
                else:
                    value, scheduled = r >> 1, r & 1
                    if op == RECV:
                        value = _bytes_at(_received, value)
            finally:
                js_resume()
            if not scheduled:
                return value
            run_scheduled()
            if not _woken(scheduled):
                return value

    def finish(outcome, py_type, text):
        js_finish(outcome, py_type, text)

    def collect():
        js_collect()

    def untimed(fn, *args):
        # The firmware's own frozen code (an import of one of its libraries): not the script's busy
        # time, so no poll call, and so no collection while C code (the compiler) holds objects.
        # Only until its first host call, whose js_resume counts again: a student's file that the
        # frozen module imports (after the stat of it, a host call) runs as the script's, Ctrl-C too.
        js_pause()
        try:
            return fn(*args)
        finally:
            js_resume()

    def soft_reset():
        # machine.soft_reset(): the board soft-resets once the SystemExit it raises ends the code.
        js_soft_reset(True)

    def soft_reset_requested():
        return js_soft_reset(False)

    def raw_output(on):
        # sys.stdout.buffer writes between True and False: bytes as they are, not cooked text.
        js_raw_output(on)

    def gc_threshold(amount):
        # gc.threshold(n): the worker keeps the script's value (see _gc.py).
        js_gc_threshold(amount)

    def free_bytes():
        # gc.mem_free()'s count (see _gc.py), by the worker.
        return js_free_bytes()

    js_soft_reset, js_raw_output, js_gc_threshold = js.softReset, js.rawOutput, js.gcThreshold
    js_free_bytes, js_memory, clear_stack, js_spare, hold_free = js.freeBytes, js.memory, js.clearStack, js.spare, js.holdFree

    def spare(held):
        # The held spare (_boardsim.py _hold_spare: a chain of (next, bytearray) tuples), for the
        # worker to mark its pieces before each collection (spare-heap.ts). By id(): the worker
        # walks it, so this allocates nothing (gc.mem_free() next counts no garbage of it, and a
        # full heap after a MemoryError lets the spare go).
        js_spare(0 if held is None else id(held))

    def memory(what, arg=None):
        # The board's part of the memory as gc.mem_alloc(), micropython.mem_info() and qstr_info()
        # show it (see _micropython.py), by the worker.
        figures = js_memory(what, arg)
        return read_reply(figures)[0] if type(figures) is str else figures

    js.pins(uctypes.addressof(_pins), len(_pins))
    call_fns = (js_pause, js_call, js_resume, read_reply)
    data_fns = (js_pause, js_data, js_resume, read_reply)
    return call, data, finish, collect, untimed, js_pause, js_resume, soft_reset, soft_reset_requested, raw_output, gc_threshold, free_bytes, memory, clear_stack, spare, hold_free, js.interrupt, js.dupterm, json.loads(js.lent()), js.more


_into = [None]  # call_into's buffer, until the reply's blob is copied there


def call_into(buf, name, *args):
    """call(), whose reply holds one bytes value, copied into `buf` (at most its length): it
    stands in the value as its length. No new bytes object: what a loop over many small host
    replies (the flash's ilistdir) would leave as garbage each time."""
    _into[0] = buf
    try:
        return call(name, *args)
    finally:
        _into[0] = None


# The worker collects garbage at host calls, but not while an instance is being constructed with
# arguments: the interpreter holds the __init__ arguments in a heap block only C refers to
# (py/objtype.c mp_obj_instance_make_new: m_new ... m_del), which a collection would free and
# m_del then free again under its next owner. Guest classes that call the host from __init__
# are @constructor. (Under a class that Python code calls with arguments, a script's own too, the
# worker pins that block, pinned-args.ts; this guard also covers a call from C code.)
_constructing = [0]


def constructor(init):
    # Also for any call during which C alone holds objects (returns what it returns).
    def __init__(*args, **kwargs):
        _constructing[0] += 1
        try:
            return init(*args, **kwargs)
        finally:
            _constructing[0] -= 1

    return __init__


def uncreatable(cls):
    # A class standing for a C type without make_new (sys.stdout's FileIO, select's poll, the files'
    # types): calling it raises the interpreter's own TypeError "can't create '<name>' instances"
    # (py/objtype.c v1.23.0 994-999). Its instances are made before this, or by object.__new__.
    # mp_obj_type_t (py/obj.h v1.27.0 617-720): make_new's slot index is its byte 8 (0: no slot).
    uctypes.bytearray_at(id(cls), 9)[8] = 0


def _tag_floats(value):
    if isinstance(value, float) and (value != value or value in (float("inf"), -float("inf"))):
        return {"__f": str(value)}
    if isinstance(value, (list, tuple)):
        return [_tag_floats(v) for v in value]
    return value


# Heap addresses the worker writes here for a collection at a host call, and clears after: the
# argument blocks C alone holds (pinned-args.ts); the collector marks the blocks the words of a
# block it reaches point to (py/gc.c gc_mark_subtree). 128 pins: more candidates, no collection.
_pins = bytearray(4 * 128)

# Socket data calls by number (data-channel.ts DATA_CALLS; data-channel.spec.ts checks them).
RECV, SEND, SENDALL, WRITE, READ = 0, 1, 2, 3, 4

# One copy into the heap (extmod/moductypes.c uctypes_struct_bytes_at: py/objstr.c mp_obj_new_bytes);
# its hash is computed when first needed (lazy-str-hash.ts).
_new_bytes = uctypes.bytes_at


def _bytes_at(address, n):
    try:
        return _new_bytes(address, n)
    except MemoryError:
        # gc_alloc collects and tries again before it fails (py/gc.c); here a collection is asked
        # for, then run at the bridge's safe point (as gc.collect()), never while an instance is
        # constructed (see _constructing).
        if _constructing[0]:
            raise
        _native_collect()
        collect()
        return uctypes.bytes_at(address, n)


call, _data, finish, collect, untimed, pause, resume, soft_reset, soft_reset_requested, raw_output, gc_threshold, free_bytes, memory, clear_stack, spare, hold_free, _interrupt, dupterm_bytes, lent, more = _bridge(__import__("_boardsim_js"))
del _bridge  # run once: kept, the table of its 15 nested functions' code was marked at every collection
# Where the lent copy's parts start (data-channel.ts LentData.layout: words, reply region,
# read-ahead, sends, end): a recv data call's bytes are in the reply region (_hostdata.py views the rest).
_received = lent[1]


# Callbacks the board schedules (Timer, Pin.irq), run as the firmware's scheduler runs them
# (py/scheduler.c): after the host call in progress, one at a time, never nested; any exception
# in one, SystemExit and KeyboardInterrupt too, is printed and the script goes on
# (py/runtime_utils.c:30-40 mp_call_function_1_protected catches all, mp_obj_print_exception).
_handlers = {}
_next_handler = [1]
_in_callback = [False]


def handler(fn, arg):
    """Registers fn(arg) as a callback the board can schedule; returns its id."""
    key = _next_handler[0]
    _next_handler[0] += 1
    _handlers[key] = (fn, arg)
    return key


def drop_handler(key):
    _handlers.pop(key, None)


# This library's files (and the worker's own code): their frames are left out of a traceback.
_OURS = ("/boardsim/", "<stdin>")


def format_exception(exc, stdin=False):
    """An exception as the board prints it: the traceback without this library's frames, as the
    firmware's C modules have none (`stdin`: "<stdin>" is the raw REPL's code, not ours). Here, not in _boardsim.py, which sets the script running: a
    reference from this module (which every module imports from) to that one put all of
    _boardsim's objects under the deepest path every collection marks (see _hostdata.py)."""
    out = io.StringIO()
    sys.print_exception(exc, out)
    lines = out.getvalue().rstrip("\n").split("\n")
    keep = [l for l in lines if not (l.startswith('  File "') and l[8:].startswith(_OURS[0] if stdin else _OURS))]
    if len(keep) == 2:
        # No frame of the script's: the firmware prints the exception line alone (py/obj.c, mp_obj_print_exception).
        keep = keep[1:]
    return "\n".join(keep)


# Set by asyncio's loop while it waits: whether the callbacks that woke the wait made a task ready
# (a ThreadSafeFlag set: the firmware's poll sees the flag readable, extmod/asyncio/event.py); the
# call then returns None instead of waiting on.
wait_ends = None


def _woken(scheduled):
    # A blocking call woken for callbacks (the reply's "s": 2, worker.ts encodeReply; a flag, not a
    # value, so no string a host call returns can pass for it): they ran, and asked again it waits
    # on to its own deadline (host/blocking-wake.ts); unless asyncio's loop ends its wait (wait_ends).
    return scheduled == 2 and not (wait_ends is not None and wait_ends())


def run_scheduled():
    if _in_callback[0]:
        return
    _in_callback[0] = True
    try:
        # The first due (the take gives one), then back to the code that ran it: the others wait for
        # its next host call, as the firmware runs one callback per pending check and the code goes on
        # between them (py/scheduler.c:105-114). schedDone tells the host it is done (Scheduler.running).
        for key, _ in call("schedTake"):
            fn, arg = _handlers.get(key, (None, None))
            if fn is None:
                continue
            try:
                fn(arg)
            except BaseException as exc:
                print(format_exception(exc))
        return call("schedDone")  # whether more are due; its reply's callbacks-due bit runs none here (_in_callback)
    finally:
        _in_callback[0] = False


# os.dupterm's writer of the console's bytes to its streams (_os_dupterm.py), once a script registered one.
duplicate = None


def run_at_branch(_):
    # Queued in the interpreter's scheduler by the worker at a poll that found callbacks due while
    # the script made no host call (sched-queue.ts), or when os.dupterm's streams have console bytes
    # to take; the VM runs it at a branch with the scheduler locked (py/scheduler.c
    # mp_sched_run_pending), one callback, the next at a later branch.
    if duplicate is not None:
        duplicate()
    try:
        more = run_scheduled()
    except KeyboardInterrupt:
        # Ctrl-C reached the take (a host call): the script's, as the firmware raises a pending one
        # at its next check (py/scheduler.c mp_sched_keyboard_interrupt), not printed as a callback's.
        _interrupt()
        return
    if more:
        try:
            schedule_at_branch()
        except RuntimeError:
            pass  # the scheduler's queue is full (the script's micropython.schedule): the next poll queues it


def schedule_at_branch():
    _native_schedule(run_at_branch, None)


info = call("boardInfo")
# str(OSError(n)) for each number this board names, as the host made it: "\n<n> <text>" each, in
# one str (one object for each collection to mark, not 20-130 texts: see _hostdata.py).
_oserror_texts = "".join("\n%s %s" % item for item in info["oserror"].items()) + "\n"


_NativeOSError = OSError


class OSError(_NativeOSError):
    # The interpreter names errno values by Linux numbering; where this board numbers or names
    # them differently (ESP32's newlib), str() and the traceback line are the board's text.
    def __str__(self):
        n = self.args[0]
        at = _oserror_texts.find("\n%d " % n) if isinstance(n, int) else -1
        if at < 0:
            return str(n)
        at = _oserror_texts.index(" ", at) + 1
        return _oserror_texts[at : _oserror_texts.index("\n", at)]

    def __repr__(self):
        return "OSError: " + self.__str__()


def oserror(errno):
    if str(OSError(errno)) == str(_NativeOSError(errno)):
        return _NativeOSError(errno)
    return OSError(errno)


def exception(py_type, args):
    if py_type == "OSError" and len(args) == 1 and isinstance(args[0], int):
        return oserror(args[0])
    import builtins
    return getattr(builtins, py_type, RuntimeError)(*args)
