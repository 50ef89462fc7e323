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
    # The board restarts: the script stops here, as it would on the board.
    raise SystemExit

