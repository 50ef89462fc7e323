/**
 * The host-call table: every function a guest library may call, grouped by the firmware module it
 * serves (named as MicroPython names its C files: modsocket.c, modtime.c, ...). Each group is one
 * file in this folder that implements exactly these names (the compiler checks it). No imports: the
 * TS guest library, type-checked without Node, reads `HostName` from here; a test checks every name
 * the .py guest calls.
 *
 * A new firmware module: a file `mod<name>.ts` here and its entry below (and in index.ts's
 * MODULES, which the compiler asks for).
 */
export const HOST_TABLE = {
  modbuiltins: ["boardInfo", "write", "poll", "helpOrder", "dirOrder"],
  modtime: ["timeSleep", "ticksMs", "ticksUs", "ticksAdd", "ticksDiff", "timeTime", "timeTimeNs", "timeLocaltime", "timeMktime"],
  modnetwork: ["wlanInterface", "wlanActive", "wlanConnect", "wlanDisconnect", "wlanStatus", "wlanIsConnected", "wlanRepr", "wlanIfconfig", "wlanIpconfig", "wlanScan", "wlanConfig", "networkHostname", "networkCountry"],
  modsocket: [
    "socketNew",
    "socketConnect",
    "socketSendto",
    "socketRecvfrom",
    "socketBind",
    "socketListen",
    "socketAccept",
    "socketSend",
    "socketSendAll",
    "socketRecv",
    "socketClose",
    "socketSetTimeout",
    "socketSetsockopt",
    "socketGetaddrinfo",
    "socketRead",
    "socketReadline",
    "socketWrite",
    "socketRepr",
    "socketFileno",
  ],
  modselect: ["selectPoll"],
  modtls: ["tlsLoadCertChain", "tlsLoadVerifyLocations", "tlsWrap", "tlsRead", "tlsReadline", "tlsWrite", "tlsClose", "tlsCipher", "tlsGetCiphers", "tlsSetCiphers"],
  moddisplay: ["oledFill", "oledPixel", "oledFillRect", "oledText", "oledDispChar", "oledShow"],
  vfs_lfs: ["flashStat", "flashIlistdir", "flashOpen", "flashRead", "flashWrite", "flashMkdir", "flashRemove", "flashRename", "flashStatvfs", "flashIsDir", "flashModules"],
  mphalport: ["serialRead", "serialWrite", "serialMode", "serialUnread", "serialInterruptChar"],
  modmachine: ["machineReset", "machineUniqueId", "machineFreq", "machineResetCause", "machineDeepsleep", "machineBootloader", "machineLightsleep"],
  machine_pin: ["pinInit", "pinValue", "pinToggle", "pinRepr", "pinIrq", "pinIrqFlags"],
  machine_adc: ["adcInit", "adcRead", "adcReadUv", "adcConfig", "adcBlockInit", "adcBlockOf", "adcBlockConnect", "adcBlockRepr", "adcRepr"],
  machine_touchpad: ["touchInit", "touchRead"],
  machine_pwm: ["pwmInit", "pwmFreq", "pwmDuty", "pwmDeinit", "pwmRepr"],
  machine_rtc: ["rtcDatetime"],
  machine_timer: ["timerCheck", "timerInit", "timerDeinit", "timersRunning", "timerRepr"],
  scheduler: ["schedTake", "schedDone", "schedPending"],
  dht: ["dhtMeasure"],
  ds18x20: ["onewireReset", "onewireReadBit", "onewireWriteBit", "onewireReadByte", "onewireWriteByte"],
  neopixel: ["neopixelWrite"],
  vfs_fat: ["fatStart", "fatResume"],
  modwebrepl: ["webreplStart", "webreplStop"],
  modhashlib: ["hashAlgorithms", "hashNew", "hashUpdate", "hashDigest"],
  modcryptolib: ["aesNew", "aesProcess"],
  modos: ["osUrandom", "osDupterm"],
} as const;

/**
 * The name of the error the TS engine throws in a blocking call woken for callbacks (quickjs/raw-ffi.ts,
 * host/blocking-wake.ts WOKEN): the guest runs them and asks again (quickjs/guest/host.ts). Host
 * functions throw only what the engine makes, so no value a call returns, nor a script's own error, passes for it.
 */
export const WOKEN_SIGNAL = "<woken for callbacks>";

export type HostModuleName = keyof typeof HOST_TABLE;
export type HostName<M extends HostModuleName = HostModuleName> = (typeof HOST_TABLE)[M][number];
