# The basics of MicroPython's machine module: pins (the on-board LED does nothing visible), reset.
class Pin:
    IN = 0
    OUT = 1
    PULL_UP = 1
    PULL_DOWN = 2

    def __init__(self, id, mode=-1, pull=-1, value=None):
        self._id = id
        self._value = 0 if value is None else int(bool(value))

    def value(self, *x):
        if not x:
            return self._value
        self._value = int(bool(x[0]))

    def on(self):
        self._value = 1

    def off(self):
        self._value = 0

    def toggle(self):
        self._value ^= 1

    def __call__(self, *x):
        return self.value(*x)


def reset():
    # The board restarts: the script stops here, as it would on the board. With a console the
    # board then boots again (banner, boot.py, main.py); without one boardsim ends the run.
    import _host

    if _host.info.get("console"):
        _host.call("machineReset")
    raise SystemExit


def soft_reset():
    # modmachine.c machine_soft_reset: pyexec_system_exit = PYEXEC_FORCED_EXIT, then SystemExit.
    import _host

    _host.soft_reset()
    raise SystemExit

