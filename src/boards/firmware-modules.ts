/**
 * The modules each port's v1.23.0 firmware has, as help('modules') lists them (py/builtinhelp.c:78-120):
 * its built-in (C) modules, those an MP_REGISTER_MODULE / MP_REGISTER_EXTENSIBLE_MODULE line
 * registers under the port's config, and the files its manifest.py freezes. Paths are relative to
 * the micropython repository at tag v1.23.0; micropython-lib at its submodule commit 50ed36fb.
 */

/**
 * C modules all three ports register: py/ (builtins, sys, gc, math, array, collections, io, struct,
 * micropython, __main__ in py/runtime.c:63) and those the ports' MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES
 * turns on (py/mpconfig.h:1540-1816: errno, select, _asyncio, uctypes, deflate, json, os, re, heapq,
 * hashlib, binascii, random, framebuf, platform, vfs with MICROPY_VFS), and what every
 * mpconfigport.h sets: time, machine, network, _onewire, tls, websocket, _webrepl, cryptolib
 * (esp8266: its board's mpconfigboard.h:15).
 */
const COMMON_C = [
  "__main__", "builtins", "sys", "gc", "math", "array", "collections", "errno", "io", "struct", "micropython",
  "_asyncio", "binascii", "cryptolib", "deflate", "framebuf", "hashlib", "heapq", "json", "machine", "network",
  "_onewire", "os", "platform", "random", "re", "select", "socket", "time", "tls", "uctypes", "vfs", "_webrepl", "websocket",
];

/**
 * The C modules registered with MP_REGISTER_EXTENSIBLE_MODULE (v1.23.0: py/modarray.c:43,
 * py/modcollections.c:49, py/moderrno.c:102, py/modio.c:229, py/modstruct.c:276, extmod/modbinascii.c:206,
 * modbluetooth.c:1010, modcryptolib.c:382, modhashlib.c:377, modheapq.c:121, modjson.c:384,
 * modlwip.c:1867 / modsocket.c:655 / ports/esp32/modsocket.c:1021 (socket), modmachine.c:254,
 * modos.c:234, modplatform.c:78, modrandom.c:258, modre.c:473, modselect.c:674, modtime.c:234,
 * modwebsocket.c:324). A file of one's name on sys.path is imported in its place, and `u` + its
 * name imports the built-in one (py/builtinimport.c:394-413, py/objmodule.c:176-200); every other
 * built-in module is found before the filesystem.
 */
export const EXTENSIBLE_MODULES = [
  "array", "binascii", "bluetooth", "collections", "cryptolib", "errno", "hashlib", "heapq", "io", "json", "machine",
  "os", "platform", "random", "re", "select", "socket", "struct", "time", "websocket",
];

/** include("$(MPY_DIR)/extmod/asyncio"): extmod/asyncio/manifest.py (task.py is the C _asyncio). */
const ASYNCIO = ["asyncio/__init__", "asyncio/core", "asyncio/event", "asyncio/funcs", "asyncio/lock", "asyncio/stream", "uasyncio"];

/** require("bundle-networking"): micropython-lib micropython/bundles/bundle-networking/manifest.py. */
const NETWORKING = ["mip/__init__", "ntptime", "ssl", "requests/__init__", "webrepl", "webrepl_setup", "urequests"];

/** The onewire/ds18x20/dht/neopixel drivers every port manifest requires. */
const DRIVERS = ["onewire", "ds18x20", "dht", "neopixel"];

/**
 * Pico W: ports/rp2/mpconfigport.h:97 (_thread), :115 (cryptolib), :150 (_onewire), :174-190
 * (socket, tls, websocket, _webrepl with MICROPY_PY_NETWORK); boards/RPI_PICO_W/mpconfigboard.cmake:5-11
 * (lwip, bluetooth); modrp2.c:106 (_rp2); cmath (float and complex). No btree (rp2 builds none).
 * Frozen: boards/RPI_PICO_W/manifest.py (bundle-networking, aioble) including boards/manifest.py
 * (ports/rp2/modules: _boot, _boot_fat, rp2; asyncio; the drivers); aioble's files from
 * micropython/bluetooth/aioble-{core,peripheral,server,central,client,l2cap,security}/manifest.py.
 */
export const PICO_W_MODULES = {
  builtin: [...COMMON_C, "_thread", "cmath", "lwip", "bluetooth", "_rp2"],
  frozen: [
    "_boot", "_boot_fat", "rp2", ...ASYNCIO, ...DRIVERS, ...NETWORKING,
    ...["__init__", "core", "device", "peripheral", "server", "central", "client", "l2cap", "security"].map((f) => `aioble/${f}`),
  ],
};

/**
 * ESP32 (ESP32_GENERIC): ports/esp32/mpconfigport.h:83 (_thread), :91-95 (_espnow, bluetooth),
 * :107 (cryptolib), :179-183 (tls, websocket, _webrepl, _onewire); esp32_common.cmake:20 (btree);
 * modesp.c:145 (esp), modesp32.c:251 (esp32), modsocket.c:1021 (its own socket); cmath.
 * Frozen: ports/esp32/boards/manifest.py (ports/esp32/modules: _boot, apa106, espnow, flashbdev,
 * inisetup; asyncio; bundle-networking; aioespnow, the drivers, umqtt.robust, umqtt.simple, upysh).
 */
export const ESP32_MODULES = {
  builtin: [...COMMON_C, "_thread", "cmath", "bluetooth", "btree", "_espnow", "esp", "esp32"],
  frozen: [
    "_boot", "apa106", "espnow", "flashbdev", "inisetup", ...ASYNCIO, ...NETWORKING,
    "aioespnow", ...DRIVERS, "umqtt/robust", "umqtt/simple", "upysh",
  ],
};

/**
 * ESP8266 (ESP8266_GENERIC, the default variant for 2 MiB and more, boards/ESP8266_GENERIC/mpconfigboard.mk):
 * mpconfigport.h:65 (lwip), :95-97 (websocket, _onewire, _webrepl), Makefile:38-39 (tls over axTLS),
 * mpconfigboard.mk (btree, _espnow), modesp.c:381 (esp). No cmath (mpconfigport.h:25
 * MICROPY_PY_BUILTINS_COMPLEX 0), no _thread, no bluetooth.
 * Frozen: boards/ESP8266_GENERIC/manifest_2MiB.py: boards/manifest.py (ports/esp8266/modules: _boot,
 * apa102, espnow, flashbdev, inisetup, port_diag; bundle-networking; the drivers), asyncio, ssd1306,
 * upysh, umqtt.simple, umqtt.robust.
 */
export const ESP8266_MODULES = {
  builtin: [...COMMON_C, "lwip", "btree", "_espnow", "esp"],
  frozen: [
    "_boot", "apa102", "espnow", "flashbdev", "inisetup", "port_diag", ...NETWORKING, ...DRIVERS,
    ...ASYNCIO, "ssd1306", "upysh", "umqtt/simple", "umqtt/robust",
  ],
};
