# The socket module, built into the firmware: dir(socket) lists the port's table (extmod/modlwip.c
# v1.23.0 lines 1824-1855 on rp2 and esp8266, ports/esp32/modsocket.c lines 989-1009) but for what
# boardsim does not simulate (modlwip's reset, callback, print_pcbs; esp32's __init__). The code is
# _modsocket's, whose helpers stay in that module's globals.
from _modsocket import *
