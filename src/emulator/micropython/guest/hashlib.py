# The hashlib module, built into the firmware: the constructors its port builds (extmod/modhashlib.c
# v1.23.0:357-368); the code is _modhashlib's, whose helpers stay in that module's globals.
from _modhashlib import *
