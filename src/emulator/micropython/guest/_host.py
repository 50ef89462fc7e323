# The bridge to the simulator: every module of the board calls the host API through call().
# Values cross as JSON; bytes cross as (address, length) in the Python heap, read and written by
# the worker directly, so big buffers need no extra copies.
import json
import uctypes


# Work that must wait for a host call of the script, where collecting garbage is safe (see defer()).
deferred = []


def defer(fn):
    """Runs fn at the script's next host call: where the worker may collect garbage anyway."""
    deferred.append(fn)


def run_deferred():
    while deferred:
        deferred.pop()()


def _bridge(js):
    # js (the worker's functions) stays in this closure: scripts cannot reach it to get at Node.
    # Each is looked up once: every lookup of a JS attribute allocates a proxy.
    js_call, js_reply, js_blob, js_finish, js_collect = js.call, js.reply, js.blob, js.finish, js.collect
    js_pause, js_resume = js.pause, js.resume

    def blob(index, length):
        buf = bytearray(length)
        if length:
            js_blob(index, uctypes.addressof(buf))
        return bytes(buf)

    def decode(value):
        if isinstance(value, list):
            return [decode(v) for v in value]
        if isinstance(value, dict):
            if "__b" in value:
                return blob(*value["__b"])
            return {k: decode(v) for k, v in value.items()}
        return value

    def call(name, *args):
        # The bridge's own work is not the script's: the worker does not count it as busy time.
        js_pause()
        try:
            run_deferred()
            text = json.dumps(args)
            if "nan" in text or "inf" in text:
                # JSON has no NaN or infinity: they cross tagged, for the host to refuse as the firmware does.
                text = json.dumps(_tag_floats(args))
            length = js_call(name, text, _constructing[0] == 0)
            buf = bytearray(length)
            js_reply(uctypes.addressof(buf))
            reply = json.loads(buf)
            if "e" in reply:
                raise exception(*reply["e"])
            value = decode(reply["v"])
        finally:
            js_resume()
        if "s" in reply:
            run_scheduled()
        return value

    def finish(outcome, py_type, text):
        js_finish(outcome, py_type, text)

    def collect():
        js_collect()

    def untimed(fn, *args):
        # The firmware's own frozen code (an import of one of its libraries): not the script's busy
        # time, so no poll call, and so no collection while C code (the compiler) holds objects.
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

    js_soft_reset = js.softReset
    return call, finish, collect, untimed, soft_reset, soft_reset_requested


# The worker collects garbage at host calls, but not while an instance is being constructed with
# arguments: the interpreter holds the __init__ arguments in a heap block only C refers to
# (py/objtype.c mp_obj_instance_make_new: m_new ... m_del), which a collection would free and
# m_del then free again under its next owner. Guest classes that call the host from __init__
# are @constructor. (A script's own class whose __init__ makes a host call is not covered.)
_constructing = [0]


def constructor(init):
    def __init__(*args, **kwargs):
        _constructing[0] += 1
        try:
            init(*args, **kwargs)
        finally:
            _constructing[0] -= 1

    return __init__


def _tag_floats(value):
    if isinstance(value, float) and (value != value or value in (float("inf"), -float("inf"))):
        return {"__f": str(value)}
    if isinstance(value, (list, tuple)):
        return [_tag_floats(v) for v in value]
    return value


call, finish, collect, untimed, soft_reset, soft_reset_requested = _bridge(__import__("_boardsim_js"))


def buffer(data):
    """A bytes-like argument: str as UTF-8, anything with the buffer protocol as it is."""
    if isinstance(data, str):
        data = data.encode()
    try:
        mv = memoryview(data)
    except TypeError:
        raise TypeError("object with buffer protocol required")
    return {"__b": [uctypes.addressof(mv) if len(mv) else 0, len(mv)]}


# Callbacks the board schedules (Timer, Pin.irq), run as the firmware's scheduler runs them
# (py/scheduler.c): after the host call in progress, one at a time, never nested; an exception
# in one is printed and the script goes on (mp_call_function_1_protected).
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


# Set by _boardsim: an exception as the board prints it.
format_exception = repr


def can_run_callbacks():
    return not _in_callback[0]


def run_scheduled():
    if _in_callback[0]:
        return
    _in_callback[0] = True
    try:
        for key, _ in call("schedTake"):
            fn, arg = _handlers.get(key, (None, None))
            if fn is None:
                continue
            try:
                fn(arg)
            except Exception as exc:
                print(format_exception(exc))
    finally:
        _in_callback[0] = False


info = call("boardInfo")
# str(OSError(n)) for each number this board names, as the host made it.
_oserror_text = {int(k): v for k, v in info["oserror"].items()}


_NativeOSError = OSError


class OSError(_NativeOSError):
    # The interpreter names errno values by Linux numbering; where this board numbers or names
    # them differently (ESP32's newlib), str() and the traceback line are the board's text.
    def __str__(self):
        return _oserror_text.get(self.args[0], str(self.args[0]))

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
