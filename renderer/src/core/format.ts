// Formatting shared by every screen: hashes and key ids in groups, sizes, rates, ETAs and times. Pure functions
// (no React, no DOM) so they are tested in Node and used the same way in tables, timelines and dialogs.

/** `3f2a9c1e…` → `3f2a 9c1e …`: groups of four, so a person can compare two hashes by eye. */
export function groupHex(hex: string, size = 4): string {
  const parts: string[] = [];
  for (let i = 0; i < hex.length; i += size) parts.push(hex.slice(i, i + size));
  return parts.join(' ');
}

/** The first and last groups of a long hex value, for dense tables: `3f2a 9c1e … 77d0 0b1c`. */
export function shortHex(hex: string, groups = 2, size = 4): string {
  if (hex.length <= size * groups * 2 + size) return groupHex(hex, size);
  return `${groupHex(hex.slice(0, size * groups), size)} … ${groupHex(hex.slice(-size * groups), size)}`;
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Bytes in binary units with the locale's digits: `4.0 MiB`, `912 B`. Exact bytes belong in a tooltip. */
export function formatBytes(bytes: number, locale: string): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)} ${BINARY_UNITS[unit]}`;
}

/** Exact byte count with the locale's grouping: `4,096,512`. */
export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A transfer or hashing rate: `48.2 MiB/s`. */
export function formatRate(bytesPerSecond: number, locale: string): string {
  return `${formatBytes(bytesPerSecond, locale)}/s`;
}

/** Seconds left as `1:05:09` / `4:07` / `0:09`; null (unknown) as `—`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/**
 * A moment in the workstation's local time with its zone, e.g. `2026-11-27 10:00:00 UTC+8` (en) or
 * `2026/11/27 10:00:00 UTC+8` (zh-CN). `timeZone` is for tests; the UI uses the machine's zone.
 */
export function formatLocalTime(iso: string, locale: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZoneName: 'shortOffset',
    ...(timeZone !== undefined ? { timeZone } : {}),
  }).formatToParts(d);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const sep = locale === 'zh-CN' ? '/' : '-';
  const hour = get('hour') === '24' ? '00' : get('hour');
  // ICU says `GMT+8` / `GMT` / `GMT+0`; we say `UTC+8` / `UTC`, the form printed on reports.
  const zone = get('timeZoneName').replace(/^GMT(\+0)?$/, 'UTC').replace(/^GMT/, 'UTC');
  return `${get('year')}${sep}${get('month')}${sep}${get('day')} ${hour}:${get('minute')}:${get('second')} ${zone}`;
}

/** The same moment in UTC, RFC 3339 style without fractions: `2026-11-27T02:00:00Z`. */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** How long ago, in whole units, for the status strip: `42 s`, `5 min`, `3 h`, `2 d`. */
export function ageSeconds(iso: string, now: number): number {
  return Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
}
