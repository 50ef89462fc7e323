# The frozen ds18x20 module (micropython-lib's drivers/sensor/ds18x20, frozen by every v1.23.0 port;
# its documented API: DS18X20(onewire), scan(), convert_temp(), read_scratch, write_scratch,
# read_temp(rom)). boardsim's own code; its globals are the frozen file's names (const, DS18X20):
# the DS18x20's function commands (Maxim's datasheets) are const()s the compiler folds in.
from micropython import const

_CONVERT_T = const(0x44)
_READ_SCRATCHPAD = const(0xBE)
_WRITE_SCRATCHPAD = const(0x4E)


class DS18X20:
    def __init__(self, onewire):
        self.ow = onewire
        self.buf = bytearray(9)

    def scan(self):
        # family codes: DS18S20 0x10, DS1822 0x22, DS18B20 0x28
        return [rom for rom in self.ow.scan() if rom[0] in (0x10, 0x22, 0x28)]

    def convert_temp(self):
        # every sensor on the bus starts converting; a script waits 750 ms before it reads
        self.ow.reset(True)
        self.ow.writebyte(self.ow.SKIP_ROM)
        self.ow.writebyte(_CONVERT_T)

    def read_scratch(self, rom):
        self.ow.reset(True)
        self.ow.select_rom(rom)
        self.ow.writebyte(_READ_SCRATCHPAD)
        self.ow.readinto(self.buf)
        if self.ow.crc8(self.buf):
            raise Exception("CRC error")  # the frozen driver's own check
        return self.buf

    def write_scratch(self, rom, buf):
        self.ow.reset(True)
        self.ow.select_rom(rom)
        self.ow.writebyte(_WRITE_SCRATCHPAD)
        self.ow.write(buf)

    def read_temp(self, rom):
        b = self.read_scratch(rom)
        if rom[0] == 0x10:
            # DS18S20: half degrees in byte 0 (sign in byte 1), refined by COUNT_REMAIN/COUNT_PER_C
            half = b[0] - 256 if b[1] else b[0]
            return (half >> 1) - 0.25 + (b[7] - b[6]) / b[7]
        raw = b[1] << 8 | b[0]
        if raw & 0x8000:
            raw -= 0x10000
        return raw / 16
