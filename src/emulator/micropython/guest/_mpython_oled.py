# The mPython board's 128x64 OLED (mpython.oled), over the host's display calls (host/moddisplay.ts).
from _host import call as _call


class _Oled:
    # The 128x64 OLED: drawing goes to a framebuffer, show() puts it on the screen.
    def fill(self, color):
        _call("oledFill", color)

    def pixel(self, x, y, color):
        _call("oledPixel", x, y, color)

    def fill_rect(self, x, y, w, h, color):
        _call("oledFillRect", x, y, w, h, color)

    def hline(self, x, y, w, color):
        _call("oledFillRect", x, y, w, 1, color)

    def vline(self, x, y, h, color):
        _call("oledFillRect", x, y, 1, h, color)

    def rect(self, x, y, w, h, color):
        self.hline(x, y, w, color)
        self.hline(x, y + h - 1, w, color)
        self.vline(x, y, h, color)
        self.vline(x + w - 1, y, h, color)

    def text(self, text, x, y, color=1):
        # framebuf text: 8x8 cells
        _call("oledText", str(text), x, y, color)

    def DispChar(self, text, x, y, *args, **kwargs):
        # labplus's text call: 16-pixel-high lines
        _call("oledDispChar", str(text), x, y)

    def show(self):
        _call("oledShow")


oled = _Oled()
