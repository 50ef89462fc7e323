# The esp32 module (ports/esp32/modesp32.c, esp32_nvs.c, v1.23.0): wake sources, the chip's raw
# temperature, heap info, and NVS kept in the board's memory (it does not survive a reset here).

WAKEUP_ALL_LOW = False
WAKEUP_ANY_HIGH = True
HEAP_DATA = 4  # MALLOC_CAP_8BIT
HEAP_EXEC = 1  # MALLOC_CAP_EXEC


def wake_on_touch(wake):
    pass


def wake_on_ext0(pin, level):
    pass


def wake_on_ext1(pins, level):
    pass


def wake_on_ulp(wake):
    pass


def gpio_deep_sleep_hold(enable):
    pass


def raw_temperature():
    # temprature_sens_read(): °F, uncalibrated; UNVERIFIED figure (a room-temperature chip reads about 120-130)
    return 125


def idf_heap_info(capabilities):
    # (total, free, largest free block, minimum free) per heap region: UNVERIFIED figures
    return [(240000, 110000, 65536, 100000)]


class NVS:
    _spaces = {}

    def __init__(self, namespace):
        self._data = NVS._spaces.setdefault(namespace, {})

    def set_i32(self, key, value):
        self._data[key] = int(value)

    def get_i32(self, key):
        return self._value(key, int)

    def set_blob(self, key, value):
        self._data[key] = bytes(value)

    def get_blob(self, key, buffer):
        data = self._value(key, bytes)
        buffer[: len(data)] = data
        return len(data)

    def erase_key(self, key):
        if self._data.pop(key, None) is None:
            raise OSError(-0x1102)  # ESP_ERR_NVS_NOT_FOUND, as the firmware raises it (esp32_nvs.c check_esp_err)

    def commit(self):
        pass

    def _value(self, key, kind):
        value = self._data.get(key)
        if not isinstance(value, kind):
            raise OSError(-0x1102)
        return value
