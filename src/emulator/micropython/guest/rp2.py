# The rp2 module, frozen on the Pico W (ports/rp2/modules/rp2.py v1.23.0): the C module _rp2's names
# (modrp2.c), over which the firmware's file adds PIO's assembler (not simulated here).
from _rp2 import *
