# The network module, built into the firmware: dir(network) lists the port's names that boardsim has
# (extmod/modnetwork.c v1.23.0 lines 148-169, the port's functions and interfaces); the code is _modnetwork's,
# whose helpers stay in that module's globals. Loaded at start-up with socket (_modsocket.py).
from _modnetwork import *
