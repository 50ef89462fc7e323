# asyncio's old name, which v1.23 firmware still imports (extmod/asyncio/uasyncio.py v1.23.0).
# This module just allows `import uasyncio` to work. It lazy-loads from
# `asyncio` without duplicating its globals dict.


def __getattr__(attr):
    import asyncio

    return getattr(asyncio, attr)
