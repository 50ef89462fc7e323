# The esp32 module, built into the ESP32's firmware: dir(esp32) lists the names of its table
# (ports/esp32/modesp32.c v1.23.0) that boardsim has; the code is _modesp32's, whose helpers stay in
# that module's globals.
from _modesp32 import *
