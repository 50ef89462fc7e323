# What the firmware's file objects share as streams (py/stream.c: readlines(), iteration by
# line, `with` closing them), for the guest's file classes, which give readline() and close().
import io


class LineStream(io.IOBase):
    def readlines(self):
        return list(self)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
