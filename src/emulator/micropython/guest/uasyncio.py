# asyncio's old name, which v1.23 firmware still freezes (extmod/asyncio/uasyncio.py): a module
# with no names of its own, each looked up in asyncio at its use.


def __getattr__(name):
    import asyncio

    return getattr(asyncio, name)
