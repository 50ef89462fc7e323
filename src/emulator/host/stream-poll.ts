/** py/stream.h: MP_STREAM_POLL_RD/WR/ERR/HUP/NVAL, the values select.POLLIN… have on every port. */
export const POLLIN = 0x01;
export const POLLOUT = 0x04;
export const POLLERR = 0x08;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;
