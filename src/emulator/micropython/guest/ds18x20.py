# The frozen ds18x20 driver (micropython-lib drivers/ds18x20, documented API): DS18S20/DS18B20
# thermometers on a OneWire bus; temperatures are what a test or lab file set, in the sensor's
# 1/16 °C steps.
from _host import call as _call
from _hostdata import buffer as _buffer


class DS18X20:
    def __init__(self, onewire):
        self.ow = onewire
        self.buf = bytearray(9)

    def scan(self):
        return [rom for rom in self.ow.scan() if rom[0] in (0x10, 0x22, 0x28)]

    def convert_temp(self):
        # The sensors start converting; a script waits 750 ms before it reads.
        pass

    def read_temp(self, rom):
        temperature = _call("ds18x20Read", {"pin": self.ow.pin._key}, _buffer(rom))
        if temperature is None:
            raise Exception("CRC error")  # the library's check of a scratchpad nobody answered
        return round(temperature * 16) / 16
