# The frozen dht driver (micropython-lib drivers/dht, documented API): DHT11/DHT22 on one pin. A
# measurement reads what a test or lab file set for the pin, in the sensor's own resolution
# (DHT11 whole units, DHT22 tenths); with no sensor there, OSError ETIMEDOUT as the firmware's.
from _host import call as _call


class DHTBase:
    def __init__(self, pin):
        self.pin = pin
        self.buf = bytearray(5)

    def measure(self):
        temperature, humidity = _call("dhtMeasure", {"pin": self.pin._key})
        self._pack(temperature, humidity)
        self.buf[4] = (self.buf[0] + self.buf[1] + self.buf[2] + self.buf[3]) & 0xFF


class DHT11(DHTBase):
    def _pack(self, temperature, humidity):
        self.buf[0], self.buf[1], self.buf[2], self.buf[3] = int(humidity), 0, int(temperature), 0

    def humidity(self):
        return self.buf[0]

    def temperature(self):
        return self.buf[2]


class DHT22(DHTBase):
    def _pack(self, temperature, humidity):
        h = int(round(humidity * 10))
        t = int(round(abs(temperature) * 10))
        self.buf[0], self.buf[1] = h >> 8, h & 0xFF
        self.buf[2], self.buf[3] = (t >> 8) | (0x80 if temperature < 0 else 0), t & 0xFF

    def humidity(self):
        return (self.buf[0] << 8 | self.buf[1]) / 10

    def temperature(self):
        t = ((self.buf[2] & 0x7F) << 8 | self.buf[3]) / 10
        return -t if self.buf[2] & 0x80 else t
