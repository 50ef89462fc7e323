# os.dupterm(stream_object[, index]) as extmod/os_dupterm.c (v1.23.0) has it on all three ports
# (MICROPY_PY_OS_DUPTERM: rp2 and ESP32 1 slot, ESP8266 2): the stream in the slot gets the
# console's output too, and the call returns what the slot held (None for none). The index and
# the arguments are the host's to check (host/modos.ts); the streams are Python objects, held here.
# The worker keeps the console's bytes while a slot is held and this writes them at the VM's next
# branch or the next os.dupterm() call (worker.ts duplicate), where the firmware writes them at once.
# Not here: input read from the streams (mp_os_dupterm_rx_chr, os.dupterm_notify), the ESP8266's
# UART(0) in slot 1 at boot (ports/esp8266/main.c:67-75; boardsim has no machine.UART).
import io


def make(host):
    slots = {}  # index: stream

    def is_stream(obj):
        # mp_get_stream_raise(obj, READ | WRITE | IOCTL) (os_dupterm.c:232, py/stream.c:97-109): a
        # class on io.IOBase (py/modio.c iobase_p), or a C type with the stream protocol: the
        # library's sockets, files, sys.stdout and the interpreter's io.BytesIO (UNVERIFIED for
        # another C object with readinto and write: taken as a stream).
        kind = type(obj)
        if isinstance(obj, io.IOBase):
            return True
        return "__qualname__" not in kind.__dict__ and hasattr(obj, "readinto") and hasattr(obj, "write")

    def write(stream, data):
        # mp_stream_write (py/stream.c) of the bytes: a class on IOBase gets a bytearray and returns a
        # count, None (EAGAIN), or -errno (py/modio.c iobase_read_write); an error but EAGAIN raises.
        if not isinstance(stream, io.IOBase):
            stream.write(data)
            return
        n = stream.write(bytearray(data))
        if n is None:
            return
        if not isinstance(n, int):
            raise TypeError("can't convert %s to int" % type(n).__name__)
        if n < 0 and n != -11:  # MP_EAGAIN (py/mperrno.h: 11 on all three)
            raise OSError(-n)

    def deactivate(index, exc):
        # mp_os_deactivate (os_dupterm.c:41-59): the slot emptied, the message and the exception
        # printed, the stream closed (its errors ignored).
        stream = slots.pop(index)
        print("dupterm: Exception in write() method, deactivating: " + host.format_exception(exc))
        try:
            if isinstance(stream, io.IOBase):
                stream.ioctl(4, 0)  # mp_stream_close: MP_STREAM_CLOSE (py/stream.h:39)
            else:
                stream.close()
        except Exception:
            pass

    def duplicate():
        # mp_os_dupterm_tx_strn (os_dupterm.c:176-213): each slot in order, an exception deactivating it.
        data = host.dupterm_bytes(True)
        if data:
            data = bytes(map(ord, data))
            for index in sorted(slots):
                try:
                    write(slots[index], data)
                except Exception as exc:
                    deactivate(index, exc)
        if not slots:
            host.dupterm_bytes(False)
            host.duplicate = None

    def dupterm(*args, **kwargs):
        index = host.call("osDupterm", len(args), len(kwargs), args[1] if len(args) > 1 else 0)
        stream = args[0]
        if slots:
            duplicate()  # what the streams held until now get of the console's output
        previous = slots.get(index)
        if stream is None:
            slots.pop(index, None)
        elif not is_stream(stream):
            raise OSError("stream operation not supported")
        else:
            slots[index] = stream
        host.dupterm_bytes(bool(slots))
        host.duplicate = duplicate if slots else None
        return previous

    return dupterm
