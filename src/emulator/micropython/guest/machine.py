# The machine module, built into the firmware: dir(machine) lists the names of the port's table
# (extmod/modmachine.c and ports/<port>/modmachine.c, v1.23.0) that boardsim has; the code is
# _modmachine's, whose helpers stay in that module's globals.
from _modmachine import *
