# The _rp2 module's code (ports/rp2/modrp2.c v1.23.0; _rp2.py lists its names): the WiFi country
# and the BOOTSEL button. PIO, StateMachine, DMA and Flash are not simulated (AttributeError).
from _host import call as _call
from network import country  # the same function (modrp2.c:94-97)


def bootsel_button():
    # 1 while the button is held: a test presses it as the input "BOOTSEL"
    return _call("pinValue", "BOOTSEL", None)
