# The _onewire module, built into the firmware (extmod/modonewire.c v1.23.0:149-166, on all three
# ports), which the frozen onewire module holds as _ow: dir(onewire._ow) lists its table; the
# code is _modonewire's, whose helpers stay in that module's globals.
from _modonewire import *

__name__ = "onewire"  # its table's __name__ (modonewire.c:150): onewire._ow shows <module 'onewire'>
