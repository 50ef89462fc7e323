# The older name of requests, kept by the firmware for scripts that import it (bundle-networking).
from requests import *
