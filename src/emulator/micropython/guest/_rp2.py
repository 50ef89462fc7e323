# The firmware's C module _rp2 (ports/rp2/modrp2.c v1.23.0:85-106), whose names rp2 (frozen) takes
# and a script may import: the code is _modrp2's, whose helpers stay in that module's globals.
from _modrp2 import *

__name__ = "rp2"  # its table's __name__ (modrp2.c:86): _rp2 shows <module 'rp2'>
