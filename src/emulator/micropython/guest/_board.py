# The board's boot sequence and console, as the firmware's main.c and pyexec.c run them: the
# flash mounted at "/", boot.py, then main.py (the REPL itself runs in the worker, board-repl.ts).
import sys
import _flash
import _gc
import _host

_NativeOSError = OSError


def attach_console():
    """Makes input() read the console."""
    import builtins

    builtins.input = input


def input(prompt=None):
    # builtins.input (py/modbuiltins.c mp_builtin_input): the prompt, then one line as readline()
    # edits it; Ctrl-D on an empty line raises EOFError. Ctrl-C interrupts (the host raises it).
    if prompt is not None:
        sys.stdout.write(str(prompt))
    line = bytearray()
    while True:
        data = sys.stdin.buffer.read(1)
        if not data:
            raise EOFError
        c = data[0]
        if c == 13 or c == 10:
            sys.stdout.write("\r\n")
            return line.decode()
        if c == 4 and not line:
            raise EOFError
        if c in (8, 127):
            if line:
                line.pop()
                sys.stdout.write("\b \b")
        elif c >= 32:
            line.append(c)
            sys.stdout.buffer.write(data)


def run_file(name, given=False, end=""):
    """pyexec_file_if_exists (shared/runtime/pyexec.c:689): runs the file in __main__'s globals if
    it exists (`given`: the text in the run's file, a --script run as main.py); an exception
    prints its traceback. Returns as pyexec.c's parse_compile_execute: 1 when the file ran to its
    end or does not exist, 0 after an exception or SystemExit (pyexec.c:146-153), 0x100
    (PYEXEC_FORCED_EXIT) when machine.soft_reset() asks for a soft reset."""
    # `given` is also the code of a raw-paste, with `end` "\x04": the raw REPL's
    # EXEC_FLAG_PRINT_EOF, \x04 after the output and \x04 after the exception (pyexec.c:127-129,
    # 141-143, 181-183).
    import __main__

    try:
        if not given and not _copied(name):
            return 1
        _host.clear_stack()
        # The copy's garbage goes now: an import in the file collects none until its module is
        # compiled (_flash.py), where the firmware collects when an allocation fails (py/gc.c
        # gc_alloc). An ESP8266's main.py (compiled here then) started 5.7 KB short and could not
        # import a 6 KB library.
        _gc.collect()
        _flash.run_source(name, __main__.__dict__)
    except SystemExit:
        # pyexec.c:146-149: SystemExit ends the file; machine.soft_reset() makes it a soft reset.
        print(end=end * 2)
        return 0x100 if _host.soft_reset_requested() else 0
    except BaseException as exc:
        # The raw REPL's code is "<stdin>", which the library's own frames are not.
        print(end + _host.format_exception(exc, name == "<stdin>"), end="\n" + end)
        return 0
    print(end=end * 2)
    return 1


def _copied(name):
    # The file as open() finds it (on the flash, or where a script mounted "/"), copied into the run's
    # file a piece at a time (_flash.run_source: the board's lexer reads it from flash as it goes,
    # shared/runtime/pyexec.c:685-686, 102-103); False if there is none (mp_import_stat, :695-697).
    try:
        f = open(name, "rb")
    except _NativeOSError:
        return False
    _flash.source_from(f)
    return True


def run_callbacks():
    # The REPL waits for a key: Timer and Pin.irq callbacks due meanwhile run there (board-repl.ts),
    # and os.dupterm's streams get what it printed.
    if _host.duplicate is not None:
        _host.duplicate()
    _host.run_scheduled()
