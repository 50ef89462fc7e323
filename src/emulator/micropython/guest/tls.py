# The tls module, built into the firmware: dir(tls) lists its table (extmod/modtls_mbedtls.c v1.23.0
# lines 757-769, modtls_axtls.c 446-455); the code is _modtls's, whose helpers stay in that module's globals.
from _modtls import *
