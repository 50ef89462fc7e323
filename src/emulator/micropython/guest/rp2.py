# The rp2 module (ports/rp2/modrp2.c and modules/rp2.py, v1.23.0): the WiFi country and the
# BOOTSEL button. PIO, StateMachine, DMA and Flash are not simulated (AttributeError).
from _host import call as _call


def country(code=None):
    # the same function as network.country() (modrp2.c:96)
    if code is None:
        return _country[0]
    _country[0] = code


_country = ["XX"]  # extmod/modnetwork.c: 'XX' until set


def bootsel_button():
    # 1 while the button is held: a test presses it as the input "BOOTSEL"
    return _call("pinValue", "BOOTSEL", None)
