# The frozen neopixel module (micropython-lib's drivers/led/neopixel, frozen by every v1.23.0 port;
# its documented API: NeoPixel(pin, n, bpp=3, timing=1), np[i] = (r, g, b), fill(), write()).
# boardsim's own code; its globals are the frozen file's names (NeoPixel, bitstream). write() sends
# the buffer with machine.bitstream (extmod/modmachine.c v1.23.0 184-186), high-low encoding.
from machine import bitstream


class NeoPixel:
    # where each of R, G, B, W goes in an LED's bytes: WS2812s take green first
    ORDER = (1, 0, 2, 3)

    def __init__(self, pin, n, bpp=3, timing=1):
        self.pin = pin
        self.n = n
        self.bpp = bpp
        self.buf = bytearray(n * bpp)
        self.pin.init(pin.OUT)
        # 1: 800 kHz, 0: 400 kHz, as (high, low) ns of a 0 bit then a 1 bit; or the script's own tuple
        if isinstance(timing, int):
            timing = (400, 850, 800, 450) if timing else (800, 1700, 1600, 900)
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
        bitstream(self.pin, 0, self.timing, self.buf)
