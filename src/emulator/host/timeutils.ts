/**
 * shared/timeutils/timeutils.c (v1.23.0), ported line for line: calendar arithmetic on seconds
 * since 2000-01-01, which every port's time module uses. The firmware computes in 32-bit machine
 * words (mp_uint_t / mp_int_t on these chips) and C's truncating division; so does this, so times
 * before 2000 come out as the firmware's do.
 */
const SECONDS_1970_TO_2000 = 946_684_800; // timeutils.h:32
const LEAPOCH = (31 + 29) * 86_400; // 2000-03-01
const DAYS_PER_400Y = 365 * 400 + 97;
const DAYS_PER_100Y = 365 * 100 + 24;
const DAYS_PER_4Y = 365 * 4 + 1;
const DAYS_SINCE_JAN1 = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

export type StructTime = [year: number, month: number, mday: number, hour: number, minute: number, second: number, weekday: number, yearday: number];

const u32 = (n: number) => n >>> 0;
const div = (a: number, b: number) => Math.trunc(a / b);

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

export function yearDay(year: number, month: number, date: number): number {
  return DAYS_SINCE_JAN1[month - 1]! + date + (month >= 3 && isLeap(year) ? 1 : 0);
}

/** timeutils_seconds_since_2000_to_struct_time; weekday 0 is Monday. */
export function structTime2000(t: number): StructTime {
  let seconds = u32(t) - LEAPOCH;
  seconds = seconds | 0; // mp_int_t
  let days = div(seconds, 86400);
  seconds %= 86400;
  if (seconds < 0) {
    seconds += 86400;
    days -= 1;
  }
  let wday = (days + 2) % 7;
  if (wday < 0) wday += 7;
  let qcCycles = div(days, DAYS_PER_400Y);
  days %= DAYS_PER_400Y;
  if (days < 0) {
    days += DAYS_PER_400Y;
    qcCycles--;
  }
  let cCycles = div(days, DAYS_PER_100Y);
  if (cCycles === 4) cCycles--;
  days -= cCycles * DAYS_PER_100Y;
  let qCycles = div(days, DAYS_PER_4Y);
  if (qCycles === 25) qCycles--;
  days -= qCycles * DAYS_PER_4Y;
  let years = div(days, 365);
  if (years === 4) years--;
  days -= years * 365;
  let year = 2000 + years + 4 * qCycles + 100 * cCycles + 400 * qcCycles;
  const monthDays = [31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 29]; // from March
  let month = 0;
  for (; monthDays[month]! <= days; month++) days -= monthDays[month]!;
  month += 2;
  if (month >= 12) {
    month -= 12;
    year++;
  }
  const mday = days + 1;
  month++;
  return [year, month, mday, div(seconds, 3600), div(seconds, 60) % 60, seconds % 60, wday, yearDay(year, month, mday)];
}

/** timeutils_seconds_since_2000, in unsigned 32-bit arithmetic. */
export function secondsSince2000(year: number, month: number, date: number, hour: number, minute: number, second: number): number {
  const y = u32(year - 2000);
  const leapDays = Math.floor(u32(y + 3) / 4) - Math.floor(u32(y + 99) / 100) + Math.floor(u32(y + 399) / 400);
  return u32(second + minute * 60 + hour * 3600 + u32(yearDay(year, month, date) - 1 + leapDays) * 86400 + y * 31536000);
}

/** timeutils_mktime_2000: normalises out-of-range fields (mday 32, second 60, ...) as the firmware does. */
export function mktime2000(year: number, month: number, mday: number, hours: number, minutes: number, seconds: number): number {
  minutes += div(seconds, 60);
  if ((seconds %= 60) < 0) {
    seconds += 60;
    minutes--;
  }
  hours += div(minutes, 60);
  if ((minutes %= 60) < 0) {
    minutes += 60;
    hours--;
  }
  mday += div(hours, 24);
  if ((hours %= 24) < 0) {
    hours += 24;
    mday--;
  }
  month--;
  year += div(month, 12);
  if ((month %= 12) < 0) {
    month += 12;
    year--;
  }
  month++;
  while (mday < 1) {
    if (--month === 0) {
      month = 12;
      year--;
    }
    mday += daysInMonth(year, month);
  }
  while (mday > daysInMonth(year, month)) {
    mday -= daysInMonth(year, month);
    if (++month === 13) {
      month = 1;
      year++;
    }
  }
  return secondsSince2000(year, month, mday, hours, minutes, seconds);
}

/** The port's epoch (timeutils.h:59-110): seconds since it ↔ seconds since 2000. */
export function since2000(seconds: number, epochYear: 1970 | 2000): number {
  return epochYear === 1970 ? seconds - SECONDS_1970_TO_2000 : seconds;
}

export function sinceEpoch(since2000: number, epochYear: 1970 | 2000): number {
  return epochYear === 1970 ? since2000 + SECONDS_1970_TO_2000 : since2000;
}

export const MS_1970_TO_2000 = SECONDS_1970_TO_2000 * 1000;
