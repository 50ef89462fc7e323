# The esp module, built into the ESP ports' firmware: dir(esp) lists the port's names that boardsim
# has (ports/esp32/modesp.c, ports/esp8266/modesp.c, v1.23.0); the code is _modesp's, whose helpers
# stay in that module's globals.
from _modesp import *
