# The mip package installer frozen into the firmware, from its documented API (docs/reference/packages.rst):
# install(package, index=None, target=None, version=None, mpy=True). The internet is not simulated,
# so only indexes and files served on the virtual network (e.g. python3 -m http.server on this PC,
# reached at http://192.168.1.2:PORT) can be installed from.
# at the top as micropython/mip/mip/__init__.py:4-6: a student's requests.py is what mip gets; its
# json is the built-in (Response.json's ujson there), os imported where it is used (:15, :46)
import sys
import ujson as json

import requests

_INDEX = "https://micropython.org/pi/v2"


def _ensure_dir(path):
    import os

    parts = path.split("/")
    for i in range(2, len(parts)):
        try:
            os.mkdir("/".join(parts[:i]))
        except OSError:
            pass


def _fetch(url):
    if not url.startswith("http://"):
        raise OSError("mip: %s is on the internet, which is not simulated; serve the package on this PC and give its http:// address" % url)
    r = requests.get(url)
    try:
        if r.status_code != 200:
            return None
        return r.content
    finally:
        r.close()


def _copy(url, dest):
    data = _fetch(url)
    if data is None:
        print("File not found: {}".format(url))
        return False
    print("Copying: {}".format(dest))
    _ensure_dir(dest)
    with open(dest, "wb") as f:
        f.write(data)
    return True


def _install_json(url, index, target):
    data = _fetch(url)
    if data is None:
        print("Package not found: {}".format(url))
        return False
    package = json.loads(data)
    for path, short_hash in package.get("hashes", ()):
        if not _copy("{}/file/{}/{}".format(index, short_hash[:2], short_hash), target + "/" + path):
            return False
    base = url.rsplit("/", 1)[0]
    for path, file_url in package.get("urls", ()):
        if "://" not in file_url:
            file_url = base + "/" + file_url
        if not _copy(file_url, target + "/" + path):
            return False
    for dep, dep_version in package.get("deps", ()):
        if not _install(dep, index, target, dep_version):
            return False
    return True


def _install(package, index, target, version):
    if package.startswith(("github:", "gitlab:", "https://")):
        raise OSError("mip: %s is on the internet, which is not simulated; serve the package on this PC and give its http:// address" % package)
    if package.startswith("http://"):
        if package.endswith(".py") or package.endswith(".mpy"):
            return _copy(package, target + "/" + package.rsplit("/", 1)[1])
        return _install_json(package if package.endswith(".json") else package.rstrip("/") + "/package.json", index, target)
    return _install_json("{}/package/py/{}/{}.json".format(index, package, version or "latest"), index, target)


def install(package, index=None, target=None, version=None, mpy=True):
    if not target:
        target = next((p for p in sys.path if p.endswith("/lib")), "/lib")
    index = (index or _INDEX).rstrip("/")
    print("Installing {} ({}) from {} to {}".format(package, version or "latest", index, target))
    if _install(package, index, target, version):
        print("Done")
    else:
        print("Package may be partially installed")
