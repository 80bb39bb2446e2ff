import { describe, expect, it } from 'vitest';
import { ageSeconds, formatBytes, formatDuration, formatLocalTime, formatUtc, groupHex, shortHex } from './format';

describe('hex grouping', () => {
  it('groups in fours and keeps every character', () => {
    const h = '3f2a9c1e77d00b1c';
    expect(groupHex(h)).toBe('3f2a 9c1e 77d0 0b1c');
    expect(groupHex(h).replaceAll(' ', '')).toBe(h);
    expect(groupHex('abc')).toBe('abc');
  });
  it('shortens long values to the first and last groups', () => {
    const h = 'a'.repeat(28) + '1234abcd';
    expect(shortHex(h)).toBe('aaaa aaaa … 1234 abcd');
    expect(shortHex('3f2a9c1e')).toBe('3f2a 9c1e');
  });
});

describe('sizes and durations', () => {
  it('uses binary units with the locale', () => {
    expect(formatBytes(912, 'en')).toBe('912 B');
    expect(formatBytes(4 * 1024 * 1024, 'en')).toBe('4.00 MiB');
    expect(formatBytes(1536 * 1024 ** 3, 'en')).toBe('1.50 TiB');
    expect(formatBytes(-1, 'en')).toBe('—');
  });
  it('formats ETAs as h:mm:ss, unknown as a dash', () => {
    expect(formatDuration(9)).toBe('0:09');
    expect(formatDuration(247)).toBe('4:07');
    expect(formatDuration(3909)).toBe('1:05:09');
    expect(formatDuration(null)).toBe('—');
  });
  it('counts age in seconds, never negative', () => {
    expect(ageSeconds('2026-11-27T10:00:00Z', Date.parse('2026-11-27T10:00:42Z'))).toBe(42);
    expect(ageSeconds('2026-11-27T10:00:00Z', Date.parse('2026-11-27T09:00:00Z'))).toBe(0);
  });
});

describe('times', () => {
  const iso = '2026-11-27T02:00:05.123Z';
  it('shows local time with the zone', () => {
    expect(formatLocalTime(iso, 'en', 'Asia/Shanghai')).toBe('2026-11-27 10:00:05 UTC+8');
    expect(formatLocalTime(iso, 'zh-CN', 'Asia/Shanghai')).toBe('2026/11/27 10:00:05 UTC+8');
    expect(formatLocalTime(iso, 'en', 'UTC')).toBe('2026-11-27 02:00:05 UTC');
  });
  it('gives UTC for the hover', () => {
    expect(formatUtc(iso)).toBe('2026-11-27T02:00:05Z');
  });
  it('returns what it cannot parse unchanged', () => {
    expect(formatLocalTime('not a time', 'en')).toBe('not a time');
  });
});
