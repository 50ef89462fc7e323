# The esp module of the ESP ports (ports/esp32/modesp.c, ports/esp8266/modesp.c, v1.23.0): the calls
# tutorials make. The flash figures are a 4 MiB module's; which module a student has is UNVERIFIED.
from _host import info as _info

_esp32 = _info["port"]["platform"] == "esp32"

if _esp32:
    LOG_NONE, LOG_ERROR, LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_VERBOSE = 0, 1, 2, 3, 4, 5  # esp_log_level_t
else:
    SLEEP_NONE, SLEEP_LIGHT, SLEEP_MODEM = 0, 1, 2  # sleep_type_t


def osdebug(uart, level=None):
    # The vendor OS's debug output: boardsim prints none either way.
    pass


def flash_size():
    return 4 * 1024 * 1024


def flash_user_start():
    # ESP32: the vfs partition of the generic 4 MiB table (0x200000); ESP8266: after the firmware (UNVERIFIED).
    return 0x200000 if _esp32 else 0x100000


if not _esp32:
    _sleep_type = [SLEEP_MODEM]

    def sleep_type(sleep_type=None):
        if sleep_type is None:
            return _sleep_type[0]
        _sleep_type[0] = sleep_type

    def flash_id():
        return 0x1640E0  # UNVERIFIED: a 4 MiB flash's JEDEC id as the SDK reports it
