import { invalid } from './errors';

/**
 * Cron expressions as Velero (robfig/cron v3, "standard" parser) and Longhorn read them, and Go
 * durations as Kubernetes controllers write them. Pure functions: they throw a path-less
 * {@link ValidationError} that constructs re-throw with their path (`ValidationError.within`).
 */

const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const BOUNDS: readonly [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A parsed cron expression. */
export interface CronSchedule {
  /** The expression as written. */
  readonly expression: string;
  /** The `CRON_TZ=` / `TZ=` zone, when the expression carries one. */
  readonly timeZone?: string;
  /** Set for `@every <duration>`: the fixed interval in minutes (no wall-clock fields). */
  readonly everyMinutes?: number;
  /** Allowed values per field (index = value), for wall-clock schedules. */
  readonly minutes: readonly boolean[];
  readonly hours: readonly boolean[];
  readonly daysOfMonth: readonly boolean[];
  readonly months: readonly boolean[];
  readonly daysOfWeek: readonly boolean[];
  /** True when day-of-month or day-of-week is `*`/`?` (then both must match, else either). */
  readonly dayStar: boolean;
}

function fieldValue(raw: string, field: number, expr: string): number {
  const lower = raw.toLowerCase();
  if (field === 3 && MONTHS.includes(lower)) return MONTHS.indexOf(lower) + 1;
  if (field === 4 && WEEKDAYS.includes(lower)) return WEEKDAYS.indexOf(lower);
  if (!/^\d+$/.test(raw)) {
    invalid('', expr, `"${raw}" is not a valid ${FIELD_NAMES[field]}`, cronFix(field));
  }
  return Number(raw);
}

function cronFix(field: number): string {
  const [min, max] = BOUNDS[field];
  const names = field === 3 ? ' or JAN-DEC' : field === 4 ? ' or SUN-SAT (7 is not accepted)' : '';
  return `write the ${FIELD_NAMES[field]} as numbers ${min}-${max}${names}, ranges (a-b), lists (a,b) and steps (*/n)`;
}

function parseField(text: string, field: number, expr: string): { values: boolean[]; star: boolean } {
  const [min, max] = BOUNDS[field];
  const values: boolean[] = new Array(max + 1).fill(false);
  let star = false;
  for (const part of text.split(',')) {
    const [rangeText, stepText, ...extra] = part.split('/');
    if (extra.length > 0 || rangeText === '') {
      invalid('', expr, `"${part}" is not a valid ${FIELD_NAMES[field]} range`, cronFix(field));
    }
    let start: number;
    let end: number;
    let isStar = false;
    if (rangeText === '*' || rangeText === '?') {
      start = min;
      end = max;
      isStar = true;
    } else {
      const bounds = rangeText.split('-');
      if (bounds.length > 2 || bounds.some((b) => b === '')) {
        invalid('', expr, `"${part}" is not a valid ${FIELD_NAMES[field]} range`, cronFix(field));
      }
      start = fieldValue(bounds[0], field, expr);
      end = bounds.length === 2 ? fieldValue(bounds[1], field, expr) : start;
      if (bounds.length === 1 && stepText !== undefined) end = max; // `5/10` means 5-max/10
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        invalid('', expr, `step "${stepText}" of ${FIELD_NAMES[field]} must be a positive number`, cronFix(field));
      }
      step = Number(stepText);
    }
    if (start < min || end > max) {
      invalid('', expr, `${FIELD_NAMES[field]} ${start < min ? start : end} is out of range ${min}-${max}`, cronFix(field));
    }
    if (start > end) {
      invalid('', expr, `${FIELD_NAMES[field]} range ${rangeText} starts after it ends`, cronFix(field));
    }
    for (let v = start; v <= end; v += step) values[v] = true;
    if (isStar && step === 1) star = true;
  }
  return { values, star };
}

/**
 * Parses a cron expression with robfig/cron v3's standard parser rules, the parser Velero
 * Schedules use: five fields (minute hour day-of-month month day-of-week), `*`, `?`, ranges,
 * lists, steps, month and weekday names, the `@hourly`/`@daily`/... descriptors, `@every
 * <duration>`, and an optional `CRON_TZ=<zone>` or `TZ=<zone>` prefix. Day of week runs 0-6
 * (Sunday is 0; 7 is rejected, unlike some other cron dialects).
 *
 * @throws ValidationError (without a path) for anything else
 */
export function parseCron(expression: string): CronSchedule {
  if (typeof expression !== 'string' || expression.trim() === '') {
    invalid('', expression, 'a cron expression is empty', 'write five fields: minute hour day-of-month month day-of-week, e.g. "15 2 * * *"');
  }
  let rest = expression.trim();
  let timeZone: string | undefined;
  const tz = /^(CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(rest);
  if (tz) {
    timeZone = tz[2];
    rest = tz[3].trim();
  } else if (/^(CRON_TZ|TZ)=/.test(rest)) {
    invalid('', expression, 'a time-zone prefix must be followed by the schedule', 'write e.g. "CRON_TZ=Europe/Berlin 15 2 * * *"');
  }
  if (rest.startsWith('@every')) {
    const m = /^@every\s+(\S+)$/.exec(rest);
    let minutes = NaN;
    try {
      minutes = m ? parseGoDuration(m[1]) / 60_000 : NaN;
    } catch {
      minutes = NaN;
    }
    if (!m || !(minutes > 0)) {
      invalid('', expression, '"@every" needs a positive Go duration', 'write e.g. "@every 6h"');
    }
    const none: boolean[] = [];
    return { expression, timeZone, everyMinutes: minutes, minutes: none, hours: none, daysOfMonth: none, months: none, daysOfWeek: none, dayStar: true };
  }
  if (rest.startsWith('@')) {
    const d = DESCRIPTORS[rest];
    if (!d) {
      invalid('', expression, `unknown descriptor ${rest}`, 'use @hourly, @daily, @weekly, @monthly, @yearly or five cron fields');
    }
    rest = d;
  }
  const fields = rest.split(/\s+/);
  if (fields.length !== 5) {
    invalid('', expression, `a cron expression has exactly 5 fields (minute hour day-of-month month day-of-week), this one has ${fields.length}`,
      fields.length === 6 ? `drop the seconds field (Kubernetes, Velero and Longhorn cron has none): "${fields.slice(1).join(' ')}"` : 'write e.g. "15 2 * * *" for 02:15 every day');
  }
  const parsed = fields.map((f, i) => parseField(f, i, expression));
  return {
    expression,
    timeZone,
    minutes: parsed[0].values,
    hours: parsed[1].values,
    daysOfMonth: parsed[2].values,
    months: parsed[3].values,
    daysOfWeek: parsed[4].values,
    dayStar: parsed[2].star || parsed[4].star,
  };
}

/** Reference window: 28 years from 2024-01-01 cover every (weekday, leap year) combination. */
const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const WINDOW_DAYS = Math.round((Date.UTC(2052, 0, 1) - START) / DAY_MS);

interface CalendarDay {
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
}

let calendar: CalendarDay[] | undefined;
function days(): CalendarDay[] {
  if (!calendar) {
    calendar = [];
    for (let i = 0; i < WINDOW_DAYS; i++) {
      const d = new Date(START + i * DAY_MS);
      calendar.push({ month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() });
    }
  }
  return calendar;
}

function firesOnDay(c: CronSchedule, d: CalendarDay): boolean {
  if (!c.months[d.month]) return false;
  const dom = c.daysOfMonth[d.day] === true;
  const dow = c.daysOfWeek[d.weekday] === true;
  return c.dayStar ? dom && dow : dom || dow;
}

function timesOfDay(c: CronSchedule): number[] {
  const out: number[] = [];
  for (let h = 0; h < 24; h++) {
    if (!c.hours[h]) continue;
    for (let m = 0; m < 60; m++) if (c.minutes[m]) out.push(h * 60 + m);
  }
  return out;
}

/**
 * The longest time between two consecutive runs of `c`, in minutes (leap years, month lengths
 * and weekdays included), or `undefined` when it never fires (e.g. `0 0 30 2 *`). A schedule
 * that fires once in 28 years returns `Infinity`. Time zones and DST are ignored.
 */
export function cronMaxGapMinutes(c: CronSchedule): number | undefined {
  if (c.everyMinutes !== undefined) return c.everyMinutes;
  const times = timesOfDay(c);
  if (times.length === 0) return undefined;
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
  let previousLast: number | undefined;
  let firings = 0;
  const cal = days();
  for (let i = 0; i < cal.length; i++) {
    if (!firesOnDay(c, cal[i])) continue;
    firings++;
    if (previousLast !== undefined) gap = Math.max(gap, i * 1440 + times[0] - previousLast);
    previousLast = i * 1440 + times[times.length - 1];
  }
  if (firings === 0) return undefined;
  if (firings === 1 && times.length === 1) return Infinity;
  return gap;
}

/** A moment at which two schedules both fire. */
export interface CronCoincidence {
  /** e.g. `Sun 7 Jan 03:00`. */
  readonly example: string;
  /** `HH:MM`. */
  readonly time: string;
}

/**
 * The first moment (from 2024-01-01) at which `a` and `b` both fire, or `undefined` when they
 * never do. `@every` schedules and schedules in different time zones are not comparable and
 * return `undefined`.
 */
export function cronCoincidence(a: CronSchedule, b: CronSchedule): CronCoincidence | undefined {
  if (a.everyMinutes !== undefined || b.everyMinutes !== undefined || (a.timeZone ?? '') !== (b.timeZone ?? '')) return undefined;
  const bTimes = new Set(timesOfDay(b));
  const common = timesOfDay(a).filter((t) => bTimes.has(t));
  if (common.length === 0) return undefined;
  for (const d of days()) {
    if (firesOnDay(a, d) && firesOnDay(b, d)) {
      const t = common[0];
      const time = `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
      return { time, example: `${WEEKDAY_NAMES[d.weekday].slice(0, 3)} ${d.day} ${MONTH_NAMES[d.month - 1]} ${time}` };
    }
  }
  return undefined;
}

/** Minutes of the hour at which `c` may fire (empty for `@every`). */
export function cronMinutes(c: CronSchedule): number[] {
  const out: number[] = [];
  c.minutes.forEach((on, m) => { if (on) out.push(m); });
  return out;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go duration (`720h0m0s`, `1h30m`, `90s`, `0`) into milliseconds, as
 * `time.ParseDuration` does. Days are not a Go unit.
 * @throws ValidationError (without a path) for anything else
 */
export function parseGoDuration(text: string): number {
  const s = String(text ?? '').trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched = re.lastIndex;
  }
  if (s === '' || matched !== s.length) {
    invalid('', text, 'not a Go duration', /\d+d/.test(s) ? 'Go durations have no days: write hours, e.g. "336h" for 14 days' : 'write hours, minutes and seconds, e.g. "720h0m0s" or "48h"');
  }
  return total;
}

/** A duration in milliseconds as Go prints it: `168h0m0s`, `1h30m0s`, `45m0s`, `30s`, `0s`. */
export function formatGoDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** `90` → `1h30m`, `2880` → `2d`, `10080` → `7d`: a short human form of a number of minutes. */
export function humanMinutes(minutes: number): string {
  if (!Number.isFinite(minutes)) return 'never again';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = Math.round(minutes % 60);
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : ''].join('') || '0m';
}
