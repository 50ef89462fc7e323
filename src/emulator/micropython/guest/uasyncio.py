# asyncio's old name, which v1.23 firmware still imports.
from asyncio import *
