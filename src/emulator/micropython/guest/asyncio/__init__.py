# The asyncio package the firmware freezes (extmod/asyncio/manifest.py, __init__.py v1.23.0): core's
# names (`from .core import *`), __version__, and the names of its other modules.
# UNVERIFIED + choice: the firmware loads event, funcs, lock and stream at a name's first use (a
# module __getattr__ over _attrs, __init__.py:8-31); here they load with the package, as dir()
# calls a module __getattr__ for every name it probes, where the heap the frozen import lets go
# cannot be taken back safely (MemoryError on the ESP8266). So sys.modules holds them all at once.
from .core import *
from .event import Event, ThreadSafeFlag
from .funcs import wait_for, wait_for_ms, gather
from .lock import Lock
from .stream import open_connection, start_server, StreamReader, StreamWriter

__version__ = (3, 0, 0)
