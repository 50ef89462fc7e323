# The frozen onewire driver (micropython-lib drivers/onewire, documented API): a OneWire bus on a
# pin. The devices on it are the DS18X20 sensors a test or lab file put there (ds18x20.py reads them).
from _host import call as _call, constructor as _constructor


class OneWireError(Exception):
    pass


class OneWire:
    SEARCH_ROM = 0xF0
    MATCH_ROM = 0x55
    SKIP_ROM = 0xCC

    @_constructor
    def __init__(self, pin):
        self.pin = pin
        self.pin.init(pin.OPEN_DRAIN, pin.PULL_UP)

    def reset(self, required=False):
        present = len(self.scan()) > 0
        if required and not present:
            raise OneWireError
        return present

    def readbit(self):
        return 1

    def readbyte(self):
        return 0xFF

    def readinto(self, buf):
        for i in range(len(buf)):
            buf[i] = 0xFF

    def writebit(self, value):
        pass

    def writebyte(self, value):
        pass

    def write(self, buf):
        pass

    def select_rom(self, rom):
        pass

    def scan(self):
        return [bytearray(rom) for rom in _call("onewireScan", {"pin": self.pin._key})]

    def crc8(self, data):
        # Dallas/Maxim CRC-8 (polynomial x^8 + x^5 + x^4 + 1)
        crc = 0
        for byte in data:
            for _ in range(8):
                mix = (crc ^ byte) & 1
                crc >>= 1
                if mix:
                    crc ^= 0x8C
                byte >>= 1
        return crc
