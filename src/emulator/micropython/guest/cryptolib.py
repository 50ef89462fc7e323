# The cryptolib module, built into the firmware: aes alone (extmod/modcryptolib.c v1.23.0:359-369,
# no port sets MICROPY_PY_CRYPTOLIB_CONSTS); the code is _modcryptolib's, whose helpers stay in that module's globals.
from _modcryptolib import *
