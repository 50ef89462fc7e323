# The older name of requests, kept by the firmware for scripts that import it (micropython-lib
# urequests 0.8.0, bundle-networking): each name is requests' own, fetched when first asked for,
# so the module holds none itself (urequests.py:1-9).
def __getattr__(attr):
    import requests

    return getattr(requests, attr)
