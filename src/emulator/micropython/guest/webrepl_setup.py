# `import webrepl_setup`: the interactive set-up every port freezes with webrepl (micropython-lib
# micropython/net/webrepl/manifest.py, required by bundle-networking). Written here from its
# behaviour: the prompts, messages and the files it writes are the firmware's, word for word
# (micropython-lib webrepl_setup.py at v1.23.0's submodule; docs esp8266/tutorial/repl.html).
# Its names are the firmware's too, as scripts call them (webrepl_setup.main(), change_daemon(True)).
# It works in the current directory, as the firmware's "./boot.py" and "./webrepl_cfg.py".
import sys
import os
import machine

RC = "./boot.py"
CONFIG = "./webrepl_cfg.py"


def input_choice(prompt, answers):
    # the firmware asks again until an answer it knows
    while True:
        answer = input(prompt)
        if answer in answers:
            return answer


def getpass(prompt):
    # no hidden input on a serial console: the password is echoed
    return input(prompt)


def input_pass():
    # extmod/modwebrepl.c keeps at most 9 characters (webrepl_passwd[10])
    while True:
        first = getpass("New password (4-9 chars): ")
        if not 4 <= len(first) <= 9:
            print("Invalid password length")
            continue
        if getpass("Confirm password: ") == first:
            return first
        print("Passwords do not match")


def exists(name):
    try:
        open(name).close()
        return True
    except OSError:
        return False


def get_daemon_status():
    # The first line of boot.py naming webrepl decides: commented out is off; none at all is None.
    with open(RC) as f:
        for line in f:
            if "webrepl" in line:
                return not line.startswith("#")
    return None


def change_daemon(on):
    # Comments in or out each line with `import webrepl` or `webrepl.start()`; appends both when
    # boot.py has neither. Written beside it first, then renamed over it (FatFs rename() fails
    # when the target exists, so boot.py is removed first, as the firmware's does).
    found = False
    with open(RC) as old, open(RC + ".tmp", "w") as new:
        for line in old:
            if "import webrepl" in line or "webrepl.start()" in line:
                found = True
                if on and line.startswith("#"):
                    line = line[1:]
                elif not on and not line.startswith("#"):
                    line = "#" + line
            new.write(line)
        if not found:
            new.write("import webrepl\nwebrepl.start()\n")
    os.remove(RC)
    os.rename(RC + ".tmp", RC)


def validate_boot_file():
    if not exists(RC):
        with open(RC, "w") as f:
            f.write("# boot.py -- run on boot-up\n")


def main():
    validate_boot_file()
    on = get_daemon_status()
    print("WebREPL daemon auto-start status:", "enabled" if on else "disabled")
    print("\nWould you like to (E)nable or (D)isable it running on boot?")
    print("(Empty line to quit)")
    choice = input("> ").upper()
    if choice == "E":
        if exists(CONFIG):
            change = input_choice("Would you like to change WebREPL password? (y/n) ", ("y", "n", ""))
        else:
            print("To enable WebREPL, you must set password for it")
            change = "y"
        if change == "y":
            password = input_pass()
            with open(CONFIG, "w") as f:
                f.write("PASS = %r\n" % password)
    # nothing to change: no choice, or boot.py already does what was chosen
    if choice not in ("D", "E") or (choice == "E") == bool(on):
        print("No further action required")
        sys.exit()  # at the REPL: back to >>> (v1.23.0 shared/runtime/pyexec.c:146-150)
    change_daemon(choice == "E")
    print("Changes will be activated after reboot")
    if input_choice("Would you like to reboot now? (y/n) ", ("y", "n", "")) == "y":
        machine.reset()


main()
