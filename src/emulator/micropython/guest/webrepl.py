# The webrepl module the ports freeze (micropython-lib's, with extmod/modwebrepl.c): its
# documented API, start(port=8266, password=None) and stop(). The WebSocket server runs on the
# host, on the board's own sockets; this only finds the password and prints what the firmware does.
from _host import call


def stop():
    call("webreplStop")


def start(port=8266, password=None):
    if password is None:
        # As the firmware: the password is PASS in /webrepl_cfg.py (written by webrepl_setup).
        try:
            import webrepl_cfg

            password = webrepl_cfg.PASS
        except:
            print("WebREPL is not configured, run 'import webrepl_setup'")
            return
    ip = call("webreplStart", port, password)
    print("WebREPL server started on http://%s:%d/" % (ip or "0.0.0.0", port))
    print("Started webrepl in normal mode")
