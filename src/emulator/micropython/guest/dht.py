# The frozen dht module (micropython-lib's drivers/sensor/dht, frozen by every v1.23.0 port; its
# documented API: DHT11/DHT22(pin), measure(), temperature(), humidity()). boardsim's own code;
# its globals are the frozen file's names (sys, dht_readinto, DHTBase, DHT11, DHT22). A measurement
# is machine.dht_readinto's 5 bytes (extmod/modmachine.c v1.23.0 187-189): humidity, temperature
# (sign in the top bit), checksum. They are a DHT22's (the lab does not say the model): the
# DHT11 reads them in whole units.
import sys
from machine import dht_readinto


class DHTBase:
    def __init__(self, pin):
        self.pin = pin
        self.buf = bytearray(5)

    def measure(self):
        b = self.buf
        dht_readinto(self.pin, b)
        if (b[0] + b[1] + b[2] + b[3]) & 0xFF != b[4]:
            raise Exception("checksum error")  # the frozen driver's own check

    def _humidity(self):
        # tenths of %RH
        return self.buf[0] << 8 | self.buf[1]

    def _temperature(self):
        # tenths of a degree, the sign in the top bit
        t = (self.buf[2] & 0x7F) << 8 | self.buf[3]
        return -t if self.buf[2] & 0x80 else t


class DHT11(DHTBase):
    def humidity(self):
        return self._humidity() // 10

    def temperature(self):
        t = self._temperature()
        return -(-t // 10) if t < 0 else t // 10


class DHT22(DHTBase):
    def humidity(self):
        return self._humidity() * 0.1

    def temperature(self):
        return self._temperature() * 0.1
