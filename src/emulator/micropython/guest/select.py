# The select module, built into the firmware: dir(select) lists its table (extmod/modselect.c v1.23.0
# lines 655-665); the code is _modselect's, whose helpers stay in that module's globals.
from _modselect import *
