# The frozen onewire module (micropython-lib's drivers/bus/onewire, frozen by every v1.23.0 port;
# its documented API: OneWire(pin), reset, read/write of bits and bytes, select_rom, scan, crc8).
# boardsim's own code over the firmware's C module _onewire (extmod/modonewire.c v1.23.0), which
# the frozen file holds as _ow: its globals are that file's names (OneWireError, OneWire, _ow).
import _onewire as _ow


class OneWireError(Exception):
    pass


class OneWire:
    SEARCH_ROM = 0xF0
    MATCH_ROM = 0x55
    SKIP_ROM = 0xCC

    def __init__(self, pin):
        self.pin = pin
        self.pin.init(pin.OPEN_DRAIN, pin.PULL_UP)

    def reset(self, required=False):
        present = _ow.reset(self.pin)
        if required and not present:
            raise OneWireError
        return present

    def readbit(self):
        return _ow.readbit(self.pin)

    def readbyte(self):
        return _ow.readbyte(self.pin)

    def readinto(self, buf):
        for i in range(len(buf)):
            buf[i] = _ow.readbyte(self.pin)

    def writebit(self, value):
        return _ow.writebit(self.pin, value)

    def writebyte(self, value):
        return _ow.writebyte(self.pin, value)

    def write(self, buf):
        for b in buf:
            _ow.writebyte(self.pin, b)

    def select_rom(self, rom):
        self.reset()
        self.writebyte(self.MATCH_ROM)
        self.write(rom)

    def crc8(self, data):
        return _ow.crc8(data)

    def scan(self):
        # The ROM search (Maxim application note 187's, branches taken as the frozen driver takes
        # them): bit by bit every device answers its bit and its complement; where both are 0 the
        # devices differ, and each pass takes the 1 branch at a new fork and the 0 branch at the
        # last fork of the pass before, until no fork is left: at a fork the device with a 1 comes first.
        roms = []
        rom = bytearray(8)
        last_fork = 0
        while self.reset():
            self.writebyte(self.SEARCH_ROM)
            fork = 0
            for bit in range(64):
                i, mask = bit >> 3, 1 << (bit & 7)
                b, complement = _ow.readbit(self.pin), _ow.readbit(self.pin)
                if b and complement:
                    return roms  # nobody answers
                if b == complement:
                    b = (rom[i] & mask) if bit + 1 < last_fork else bit + 1 != last_fork
                    if b:
                        fork = bit + 1
                rom[i] = rom[i] | mask if b else rom[i] & ~mask
                _ow.writebit(self.pin, 1 if b else 0)
            roms.append(bytearray(rom))
            last_fork = fork
            if not fork:
                break
        return roms
