# The frozen neopixel driver (micropython-lib drivers/neopixel, documented API): WS2812 LEDs on a
# pin; write() shows the colours, which tests read from the board and the log records.
from _host import call as _call, constructor as _constructor


class NeoPixel:
    ORDER = (1, 0, 2, 3)

    @_constructor
    def __init__(self, pin, n, bpp=3, timing=1):
        self.pin = pin
        self.n = n
        self.bpp = bpp
        self.buf = bytearray(n * bpp)
        self.pin.init(pin.OUT)
        self.timing = timing

    def __len__(self):
        return self.n

    def __setitem__(self, i, v):
        offset = i * self.bpp
        for j in range(self.bpp):
            self.buf[offset + self.ORDER[j]] = v[j]

    def __getitem__(self, i):
        offset = i * self.bpp
        return tuple(self.buf[offset + self.ORDER[j]] for j in range(self.bpp))

    def fill(self, v):
        for i in range(self.n):
            self[i] = v

    def write(self):
        _call("neopixelWrite", {"pin": self.pin._key}, [list(self[i]) for i in range(self.n)])
