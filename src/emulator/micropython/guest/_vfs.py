# The vfs module, built into the firmware: dir(vfs) lists its table (extmod/modvfs.c v1.23.0
# lines 37-60: mount, umount and the filesystem classes boardsim has); the code is _modvfs's, whose
# helpers (the script's mounts, its block devices' wrappers) stay in that module's globals.
from _modvfs import mount, umount, VfsFat
