# The vfs module (extmod/modvfs.c, v1.23.0): the interpreter's own, with the firmware's VfsFat
# (every board's port builds MICROPY_VFS_FAT: ports/esp32/esp32_common.cmake, ports/rp2 and the
# 2 MiB+ esp8266 mpconfigport) and mount() taking a block device.
from vfs import *
from vfs import mount as _mount

del VfsPosix  # the interpreter's own files: not in the boards' firmware (extmod/modvfs.c:54-56, MICROPY_VFS_POSIX off)


def _fat():
    # Loaded on first use: built into the firmware (C), it costs the board's heap nothing there,
    # and the ESP8266's heap has no room for it at start-up here.
    from _vfs_fat import VfsFat

    return VfsFat


class VfsFat:
    # The firmware's class (extmod/vfs_fat.c), its work in _vfs_fat, loaded by the first use.
    def __new__(cls, bdev):
        return _fat()(bdev)

    @staticmethod
    def mkfs(bdev):
        _fat().mkfs(bdev)


def mount(fsobj, mount_point, *, readonly=False, mkfs=False):
    # extmod/vfs.c:219-227: an object without mount() is a block device: the filesystem on it is
    # detected (mp_vfs_autodetect, vfs.c:162). UNVERIFIED: LittleFS on a script's block device is
    # not detected here; FAT, the firmware's fallback, is taken.
    if not hasattr(fsobj, "mount"):
        fsobj = _fat()(fsobj)
    if hasattr(fsobj, "_premount"):  # a VfsFat
        # Its mount work (a mkfs too) runs here, where garbage may be collected: inside the
        # interpreter's mount() it could not (see _vfs_fat._HELD).
        fsobj._premount(readonly, mkfs)
    _mount(fsobj, mount_point, readonly=readonly, mkfs=mkfs)
