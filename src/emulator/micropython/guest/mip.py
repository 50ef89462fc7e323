# The mip package installer frozen into the firmware (micropython-lib mip 0.3.0 at v1.23.0's
# lib/micropython-lib 50ed36fb), written from its documented API (docs/reference/packages.rst:
# install(package, index=None, target=None, version=None, mpy=True)) and what it prints and asks
# for. Every address goes through requests, so the board's own errors show: the internet is not
# simulated, and a name there does not resolve (ESP32 OSError -202, lwIP ports -2). Indexes and
# files served on the virtual network (python3 -m http.server on this PC, at
# http://192.168.1.2:PORT) install.
# requests at the top, as mip/__init__.py:4-6: a student's requests.py is what mip gets; os where
# it is used.
import sys

import requests

_INDEX = "https://micropython.org/pi/v2"


def _make_dirs(dest):
    # the folders above dest (os.makedirs(os.path.dirname(dest)))
    import os

    parts = dest.split("/")
    for i in range(1, len(parts) - 1):
        folder = "/".join(parts[: i + 1])
        try:
            os.stat(folder)
        except OSError:
            os.mkdir(folder)


def _same_file(path, short_hash):
    # a "hashes" entry already on the flash: the start of its sha256 in hex matches
    try:
        import binascii
        import hashlib

        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).digest()
        return str(binascii.hexlify(digest)[: len(short_hash)], "utf-8") == short_hash
    except Exception:
        return False


def _url(url, version):
    # github:org/repo/path and gitlab:org/repo/path are raw files of the branch or tag (HEAD by default)
    branch = version or "HEAD"
    for prefix, host, raw in (("github:", "https://raw.githubusercontent.com/", "/"), ("gitlab:", "https://gitlab.com/", "/-/raw/")):
        if url.startswith(prefix):
            org, repo, *path = url[len(prefix) :].split("/")
            return host + org + "/" + repo + raw + branch + "/" + "/".join(path)
    return url


def _download(url, dest):
    r = requests.get(url)
    try:
        if r.status_code != 200:
            print("Error", r.status_code, "requesting", url)
            return False
        print("Copying:", dest)
        _make_dirs(dest)
        with open(dest, "wb") as f:
            f.write(r.content)
        return True
    finally:
        r.close()


def _install_json(url, index, target, version, mpy):
    r = requests.get(_url(url, version))
    try:
        if r.status_code != 200:
            print("Package not found:", url)
            return False
        package = r.json()
    finally:
        r.close()
    for path, short_hash in package.get("hashes", ()):
        dest = target + "/" + path
        if _same_file(dest, short_hash):
            print("Exists:", dest)
        elif not _download("{}/file/{}/{}".format(index, short_hash[:2], short_hash), dest):
            print("File not found: {} {}".format(path, short_hash))
            return False
    for path, file_url in package.get("urls", ()):
        if not _download(_url(file_url, version), target + "/" + path):
            print("File not found: {} {}".format(path, file_url))
            return False
    for dep, dep_version in package.get("deps", ()):
        if not _install(dep, index, target, dep_version, mpy):
            return False
    return True


def _install(package, index, target, version, mpy):
    if package.startswith(("http://", "https://", "github:", "gitlab:")):
        if package.endswith((".py", ".mpy")):
            print("Downloading {} to {}".format(package, target))
            return _download(_url(package, version), target + "/" + package.rsplit("/")[-1])
        if not package.endswith(".json"):
            package = package.rstrip("/") + "/package.json"
        print("Installing {} to {}".format(package, target))
    else:
        version = version or "latest"
        print("Installing {} ({}) from {} to {}".format(package, version, index, target))
        # the index's compiled files for this firmware's .mpy version (6 on v1.23), or the sources
        mpy_version = sys.implementation._mpy & 0xFF if mpy else "py"
        package = "{}/package/{}/{}/{}.json".format(index, mpy_version, package, version)
    return _install_json(package, index, target, version, mpy)


def install(package, index=None, target=None, version=None, mpy=True):
    if not target:
        target = next((p for p in sys.path if p.endswith("/lib")), None)
        if target is None:
            print("Unable to find lib dir in sys.path")
            return
    if _install(package, (index or _INDEX).rstrip("/"), target, version, mpy):
        print("Done")
    else:
        print("Package may be partially installed")
