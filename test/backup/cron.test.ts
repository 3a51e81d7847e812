import { compareSemVer, cronCoincidence, cronMaxGapMinutes, cronMinutes, formatGoDuration, humanMinutes, parseCron, parseGoDuration, parseSemVer, versionAtLeast } from '../../lib';
import { errorOf } from '../helpers';

describe('parseCron (robfig/cron v3 standard parser, as Velero reads spec.schedule)', () => {
  test('five fields with ranges, lists, steps and names', () => {
    const c = parseCron('*/15 2-4 1,15 JAN-mar sun');
    expect(cronMinutes(c)).toEqual([0, 15, 30, 45]);
    expect(c.hours.map((on, h) => (on ? h : -1)).filter((h) => h >= 0)).toEqual([2, 3, 4]);
    expect(c.daysOfMonth.map((on, d) => (on ? d : -1)).filter((d) => d >= 0)).toEqual([1, 15]);
    expect(c.months.map((on, m) => (on ? m : -1)).filter((m) => m >= 0)).toEqual([1, 2, 3]);
    expect(c.daysOfWeek.map((on, d) => (on ? d : -1)).filter((d) => d >= 0)).toEqual([0]);
    expect(c.dayStar).toBe(false);
  });

  test('`a/step` runs from a to the maximum; `?` is `*`; descriptors expand', () => {
    expect(cronMinutes(parseCron('50/5 * * * *'))).toEqual([50, 55]);
    expect(parseCron('0 0 ? * ?').dayStar).toBe(true);
    expect(cronMinutes(parseCron('@hourly'))).toEqual([0]);
    expect(parseCron('@weekly').daysOfWeek[0]).toBe(true);
    expect(parseCron('@every 90m').everyMinutes).toBe(90);
    expect(parseCron('CRON_TZ=Europe/Berlin 0 2 * * *').timeZone).toBe('Europe/Berlin');
    expect(parseCron('TZ=UTC 0 2 * * *').timeZone).toBe('UTC');
  });

  test.each([
    ['', '"": a cron expression is empty. Fix: write five fields: minute hour day-of-month month day-of-week, e.g. "15 2 * * *"'],
    ['0 0 2 * * *', '"0 0 2 * * *": a cron expression has exactly 5 fields (minute hour day-of-month month day-of-week), this one has 6. Fix: drop the seconds field (Kubernetes, Velero and Longhorn cron has none): "0 2 * * *"'],
    ['0 2 * *', '"0 2 * *": a cron expression has exactly 5 fields (minute hour day-of-month month day-of-week), this one has 4. Fix: write e.g. "15 2 * * *" for 02:15 every day'],
    ['0 3 * * 7', '"0 3 * * 7": day of week 7 is out of range 0-6. Fix: write the day of week as numbers 0-6 or SUN-SAT (7 is not accepted), ranges (a-b), lists (a,b) and steps (*/n)'],
    ['60 * * * *', '"60 * * * *": minute 60 is out of range 0-59. Fix: write the minute as numbers 0-59, ranges (a-b), lists (a,b) and steps (*/n)'],
    ['0 5-2 * * *', '"0 5-2 * * *": hour range 5-2 starts after it ends. Fix: write the hour as numbers 0-23, ranges (a-b), lists (a,b) and steps (*/n)'],
    ['*/0 * * * *', '"*/0 * * * *": step "0" of minute must be a positive number. Fix: write the minute as numbers 0-59, ranges (a-b), lists (a,b) and steps (*/n)'],
    ['0 0 * FOO *', '"0 0 * FOO *": "FOO" is not a valid month. Fix: write the month as numbers 1-12 or JAN-DEC, ranges (a-b), lists (a,b) and steps (*/n)'],
    ['0 0 1- * *', '"0 0 1- * *": "1-" is not a valid day of month range. Fix: write the day of month as numbers 1-31, ranges (a-b), lists (a,b) and steps (*/n)'],
    ['@fortnightly', '"@fortnightly": unknown descriptor @fortnightly. Fix: use @hourly, @daily, @weekly, @monthly, @yearly or five cron fields'],
    ['@every soon', '"@every soon": "@every" needs a positive Go duration. Fix: write e.g. "@every 6h"'],
    ['CRON_TZ=UTC', '"CRON_TZ=UTC": a time-zone prefix must be followed by the schedule. Fix: write e.g. "CRON_TZ=Europe/Berlin 15 2 * * *"'],
  ])('refuses %j', (expr, message) => {
    expect(errorOf(() => parseCron(expr))).toBe(message);
  });
});

describe('cronMaxGapMinutes: the longest time between two runs', () => {
  test.each([
    ['0 * * * *', 60],
    ['5,35 * * * *', 30],
    ['10 2 * * *', 1440],
    ['0 2 * * 1-5', 3 * 1440], // Friday 02:00 to Monday 02:00
    ['20 3 * * 0', 7 * 1440],
    ['30 4 1 * *', 31 * 1440],
    ['0 0 29 2 *', 1461 * 1440], // one leap day to the next: four years
    ['@every 6h', 360],
  ])('%s → %d minutes', (expr, gap) => {
    expect(cronMaxGapMinutes(parseCron(expr))).toBe(gap);
  });

  test('undefined for a schedule that never fires, and day-of-month OR day-of-week when both are set', () => {
    expect(cronMaxGapMinutes(parseCron('0 0 30 2 *'))).toBeUndefined();
    // the 13th or any Friday: never more than 7 days apart
    expect(cronMaxGapMinutes(parseCron('0 0 13 * 5'))).toBeLessThanOrEqual(7 * 1440);
  });
});

describe('cronCoincidence: the first moment two schedules both fire', () => {
  test('an hourly and a daily schedule on the same minute collide', () => {
    expect(cronCoincidence(parseCron('0 * * * *'), parseCron('0 2 * * *'))).toEqual({ time: '02:00', example: 'Mon 1 Jan 02:00' });
  });
  test('a daily and a weekly schedule at the same time collide on the weekday', () => {
    expect(cronCoincidence(parseCron('0 3 * * *'), parseCron('0 3 * * 0'))).toEqual({ time: '03:00', example: 'Sun 7 Jan 03:00' });
  });
  test('different minutes, or days that never meet, do not collide', () => {
    expect(cronCoincidence(parseCron('0 * * * *'), parseCron('10 2 * * *'))).toBeUndefined();
    expect(cronCoincidence(parseCron('0 2 1 1 *'), parseCron('0 2 2 1 *'))).toBeUndefined();
    expect(cronCoincidence(parseCron('@every 1h'), parseCron('0 * * * *'))).toBeUndefined();
    expect(cronCoincidence(parseCron('CRON_TZ=Europe/Berlin 0 2 * * *'), parseCron('0 2 * * *'))).toBeUndefined();
  });
});

describe('Go durations', () => {
  test.each([['720h0m0s', 720 * 3_600_000], ['48h', 48 * 3_600_000], ['1h30m', 90 * 60_000], ['90s', 90_000], ['1.5h', 90 * 60_000], ['0', 0], ['250ms', 250]])('%s', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
  test('format as Go prints them', () => {
    expect([formatGoDuration(168 * 3_600_000), formatGoDuration(90 * 60_000), formatGoDuration(45 * 60_000), formatGoDuration(30_000), formatGoDuration(0)])
      .toEqual(['168h0m0s', '1h30m0s', '45m0s', '30s', '0s']);
    expect([humanMinutes(90), humanMinutes(2880), humanMinutes(10080 + 61), humanMinutes(Infinity)]).toEqual(['1h30m', '2d', '7d1h1m', 'never again']);
  });
  test.each([
    ['14d', '"14d": not a Go duration. Fix: Go durations have no days: write hours, e.g. "336h" for 14 days'],
    ['soon', '"soon": not a Go duration. Fix: write hours, minutes and seconds, e.g. "720h0m0s" or "48h"'],
    ['', '"": not a Go duration. Fix: write hours, minutes and seconds, e.g. "720h0m0s" or "48h"'],
  ])('refuses %j', (text, message) => {
    expect(errorOf(() => parseGoDuration(text))).toBe(message);
  });
});

describe('semantic versions', () => {
  test('parse and compare, pre-releases before releases', () => {
    expect(parseSemVer('v1.16.2')).toEqual({ major: 1, minor: 16, patch: 2, prerelease: '' });
    expect(parseSemVer('latest')).toBeUndefined();
    expect(compareSemVer('v1.16.2', '1.18.1')).toBeLessThan(0);
    expect(compareSemVer('v1.18.1-rc.1', 'v1.18.1')).toBeLessThan(0);
    expect(compareSemVer('1.12.2', 'v1.12.2')).toBe(0);
    expect(versionAtLeast('v1.12.2', 'v1.9.2')).toBe(true);
    expect(() => compareSemVer('main', '1.0.0')).toThrow('not a version: main');
  });
});
