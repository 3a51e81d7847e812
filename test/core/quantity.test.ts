import { ValidationError } from '../../lib/core/errors';
import { Cpu, Memory, quantityValue } from '../../lib/core/quantity';
import { expectValidationError, validationErrorOf } from './helpers';

const Mi = 2 ** 20;
const Gi = 2 ** 30;

/** Parses memory the way a construct does: through ValidationError.within, so errors carry a path. */
const memoryAt = (text: unknown) => () => ValidationError.within('cluster/app', 'resources.memory', () => Memory.parse(text as string));
/** Parses CPU the way a construct does. */
const cpuAt = (text: unknown) => () => ValidationError.within('cluster/app', 'resources.cpu', () => Cpu.parse(text as string));

describe('Memory.parse', () => {
  test.each([
    ['512Mi', 512 * Mi],
    ['1.5Gi', 1.5 * Gi],
    ['1Gi', Gi],
    ['2Ti', 2 * 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['1.5Ki', 1536],
    ['.5Gi', 512 * Mi],
    ['1G', 1e9],
    ['100k', 100_000],
    ['1.23M', 1_230_000],
    ['4.7G', 4_700_000_000],
    ['1T', 1e12],
    ['1073741824', Gi],
    ['0', 0],
  ])('parses %s to %d bytes', (text, bytes) => {
    expect(Memory.parse(text).bytes).toBe(bytes);
  });

  test('keeps the text as written, not normalised', () => {
    expect(Memory.parse('1024Mi').toString()).toBe('1024Mi');
    expect(Memory.parse('1.5Gi').toString()).toBe('1.5Gi');
    expect(Memory.parse('1G').toString()).toBe('1G');
    expect(Memory.parse('1073741824').toString()).toBe('1073741824');
  });

  test('trims surrounding whitespace', () => {
    const m = Memory.parse('  512Mi ');
    expect(m.bytes).toBe(512 * Mi);
    expect(m.toString()).toBe('512Mi');
  });

  test('gives mebibytes, possibly fractional', () => {
    expect(Memory.parse('1Gi').mebibytes).toBe(1024);
    expect(Memory.parse('512Ki').mebibytes).toBe(0.5);
  });

  test('refuses "512Mb" and suggests "512Mi", naming the construct path and prop', () => {
    expectValidationError(memoryAt('512Mb'), '[cluster/app] resources.memory = "512Mb": "Mb" is not a Kubernetes memory unit. Fix: did you mean "512Mi"?');
  });

  test('refuses "1.5Gb" and suggests "1.5Gi"', () => {
    expectValidationError(memoryAt('1.5Gb'), '[cluster/app] resources.memory = "1.5Gb": "Gb" is not a Kubernetes memory unit. Fix: did you mean "1.5Gi"?');
  });

  test.each([
    ['1KB', '1Ki'],
    ['1K', '1Ki'],
    ['2GB', '2Gi'],
    ['2GiB', '2Gi'],
    ['1TB', '1Ti'],
    ['10b', '10'],
    ['64bytes', '64'],
  ])('refuses the look-alike unit in %s and suggests %s', (text, meant) => {
    const unit = /[a-zA-Z]+$/.exec(text)![0];
    expectValidationError(memoryAt(text), `[cluster/app] resources.memory = "${text}": "${unit}" is not a Kubernetes memory unit. Fix: did you mean "${meant}"?`);
  });

  test('refuses "512m" with the millibyte hint', () => {
    expectValidationError(memoryAt('512m'), '[cluster/app] resources.memory = "512m": "m" is not a Kubernetes memory unit. Fix: "512m" means 512 thousandths of a byte in Kubernetes; did you mean "512Mi"?');
  });

  test('refuses an unknown unit and lists the valid ones', () => {
    expectValidationError(memoryAt('1x'), '[cluster/app] resources.memory = "1x": "x" is not a Kubernetes memory unit. Fix: use one of the units Ki, Mi, Gi, Ti (binary) or k, M, G, T (decimal)');
  });

  test('refuses a negative quantity and suggests the positive one', () => {
    expectValidationError(memoryAt('-1'), '[cluster/app] resources.memory = "-1": a memory quantity cannot be negative. Fix: use a positive size such as "1"');
    expectValidationError(memoryAt('-512Mi'), '[cluster/app] resources.memory = "-512Mi": a memory quantity cannot be negative. Fix: use a positive size such as "512Mi"');
  });

  test('refuses text that is not a quantity', () => {
    const rule = 'not a Kubernetes memory quantity (a number with an optional unit Ki, Mi, Gi, Ti, k, M, G or T). Fix: write it like "512Mi" or "1Gi"';
    expectValidationError(memoryAt('abc'), `[cluster/app] resources.memory = "abc": ${rule}`);
    expectValidationError(memoryAt('512 Mi'), `[cluster/app] resources.memory = "512 Mi": ${rule}`);
    expectValidationError(memoryAt(''), `[cluster/app] resources.memory = "": ${rule}`);
  });

  test('refuses a fractional number of bytes and suggests rounding up', () => {
    expectValidationError(memoryAt('1.1Ki'), '[cluster/app] resources.memory = "1.1Ki": a memory quantity must be a whole number of bytes. Fix: round it, e.g. "1127"');
    expectValidationError(memoryAt('0.5'), '[cluster/app] resources.memory = "0.5": a memory quantity must be a whole number of bytes. Fix: round it, e.g. "1"');
  });

  test('refuses a non-string value', () => {
    expectValidationError(memoryAt(512), '[cluster/app] resources.memory = 512: a memory quantity must be a string such as "512Mi". Fix: write it as a string, e.g. "512Mi" or "1Gi"');
    expectValidationError(memoryAt(undefined), '[cluster/app] resources.memory = undefined: a memory quantity must be a string such as "512Mi". Fix: write it as a string, e.g. "512Mi" or "1Gi"');
  });

  test('throws without a path when called directly', () => {
    const e = validationErrorOf(() => Memory.parse('512Mb'));
    expect(e.path).toBeUndefined();
    expect(e.message).toBe('"512Mb": "Mb" is not a Kubernetes memory unit. Fix: did you mean "512Mi"?');
  });

  test('accepts decimal quantities that are a whole number of bytes ("1.001k", "1.001M", "0.067G")', () => {
    // n * factor in floating point gives e.g. 1000.9999999999999, which is refused with "round it, e.g. "1001"".
    expect(Memory.parse('1.001k').bytes).toBe(1001);
    expect(Memory.parse('1.001M').bytes).toBe(1_001_000);
    expect(Memory.parse('0.067G').bytes).toBe(67_000_000);
  });
});

describe('Memory constructors and arithmetic', () => {
  test('mebibytes and gibibytes build exact quantities', () => {
    expect(Memory.mebibytes(512).bytes).toBe(512 * Mi);
    expect(Memory.mebibytes(512).toString()).toBe('512Mi');
    expect(Memory.gibibytes(2).bytes).toBe(2 * Gi);
    expect(Memory.gibibytes(2).toString()).toBe('2Gi');
  });

  test('fromBytes writes the largest binary unit that divides the size exactly', () => {
    expect(Memory.fromBytes(Gi).toString()).toBe('1Gi');
    expect(Memory.fromBytes(1.5 * Gi).toString()).toBe('1536Mi');
    expect(Memory.fromBytes(2048).toString()).toBe('2Ki');
    expect(Memory.fromBytes(2 ** 40).toString()).toBe('1Ti');
    expect(Memory.fromBytes(3 * 2 ** 50).toString()).toBe('3Pi');
    expect(Memory.fromBytes(2 ** 60).toString()).toBe('1Ei');
    expect(Memory.mebibytes(1024).toString()).toBe('1Gi');
    expect(Memory.mebibytes(1.5).toString()).toBe('1536Ki');
  });

  test('fromBytes writes plain bytes when no binary unit divides the size', () => {
    expect(Memory.fromBytes(1000).toString()).toBe('1000');
    expect(Memory.fromBytes(1).toString()).toBe('1');
    expect(Memory.fromBytes(0).toString()).toBe('0');
  });

  test('fromBytes refuses negative and fractional sizes', () => {
    expectValidationError(() => Memory.fromBytes(-1), '-1: a memory size must be a whole, non-negative number of bytes. Fix: pass a whole number');
    expectValidationError(() => Memory.fromBytes(1.5), '1.5: a memory size must be a whole, non-negative number of bytes. Fix: pass a whole number');
    expectValidationError(() => Memory.mebibytes(0.1), '104857.6: a memory size must be a whole, non-negative number of bytes. Fix: pass a whole number');
  });

  test('plus adds exactly and writes the sum in its largest exact unit', () => {
    const sum = Memory.parse('512Mi').plus(Memory.parse('512Mi'));
    expect(sum.bytes).toBe(Gi);
    expect(sum.toString()).toBe('1Gi');
    const mixed = Memory.parse('1G').plus(Memory.parse('1Mi'));
    expect(mixed.bytes).toBe(1_001_048_576);
    expect(mixed.toString()).toBe('1001048576');
  });

  test('times multiplies and rounds to whole bytes', () => {
    expect(Memory.parse('1Gi').times(0.5).toString()).toBe('512Mi');
    expect(Memory.parse('1Gi').times(3).bytes).toBe(3 * Gi);
    expect(Memory.parse('3').times(0.5).bytes).toBe(2);
  });

  test('times refuses a negative result', () => {
    expectValidationError(() => Memory.parse('1Gi').times(-1), '-1073741824: a memory size must be a whole, non-negative number of bytes. Fix: pass a whole number');
  });
});

describe('Cpu.parse', () => {
  test.each([
    ['100m', 100],
    ['250m', 250],
    ['1000m', 1000],
    ['0.5', 500],
    ['.5', 500],
    ['2', 2000],
    ['0.001', 1],
    ['0.1', 100],
    ['0.7', 700],
    ['3.8', 3800],
    ['0', 0],
  ])('parses %s to %d millicores', (text, millis) => {
    expect(Cpu.parse(text).millis).toBe(millis);
  });

  test('refuses spaces inside a quantity, which would be written to the manifest as they are', () => {
    expect(validationErrorOf(() => Cpu.parse('10 m')).message).toBe('"10 m": a Kubernetes quantity has no spaces. Fix: did you mean "10m"?');
    expect(validationErrorOf(() => Cpu.parse('1 0')).message).toBe('"1 0": a Kubernetes quantity has no spaces. Fix: did you mean "10"?');
  });

  test('keeps the text as written, trimmed', () => {
    expect(Cpu.parse('1000m').toString()).toBe('1000m');
    expect(Cpu.parse('0.5').toString()).toBe('0.5');
    expect(Cpu.parse(' 250m ').toString()).toBe('250m');
  });

  test('refuses "100mc" and suggests "100m"', () => {
    expectValidationError(cpuAt('100mc'), '[cluster/app] resources.cpu = "100mc": "mc" is not a Kubernetes CPU unit. Fix: did you mean "100m"?');
  });

  test.each([
    ['500millicores', 'millicores'],
    ['500mcpu', 'mcpu'],
    ['500millis', 'millis'],
  ])('refuses the millicore spelling %s and suggests "500m"', (text, unit) => {
    expectValidationError(cpuAt(text), `[cluster/app] resources.cpu = "${text}": "${unit}" is not a Kubernetes CPU unit. Fix: did you mean "500m"?`);
  });

  test('refuses "1 core" and suggests the bare number', () => {
    expectValidationError(cpuAt('1 core'), '[cluster/app] resources.cpu = "1 core": "core" is not a Kubernetes CPU unit. Fix: did you mean "1"? (a bare number counts cores)');
  });

  test.each([
    ['2 cores', 'cores', '2'],
    ['1cpu', 'cpu', '1'],
    ['0.5 vCPU', 'vCPU', '0.5'],
  ])('refuses the core spelling %s', (text, unit, meant) => {
    expectValidationError(cpuAt(text), `[cluster/app] resources.cpu = "${text}": "${unit}" is not a Kubernetes CPU unit. Fix: did you mean "${meant}"? (a bare number counts cores)`);
  });

  test('refuses a memory unit such as "1Gi" or "100M"', () => {
    expectValidationError(cpuAt('1Gi'), '[cluster/app] resources.cpu = "1Gi": "Gi" is a memory unit, not a CPU unit. Fix: write CPU as cores ("0.5", "2") or millicores ("500m")');
    expectValidationError(cpuAt('100M'), '[cluster/app] resources.cpu = "100M": "M" is a memory unit, not a CPU unit. Fix: write CPU as cores ("0.5", "2") or millicores ("500m")');
  });

  test('refuses "1000Mi" as a memory unit, not as a misspelt millicore', () => {
    // "mi" is in the millicore-typo list, which is checked case-insensitively before the memory units,
    // so "1000Mi" (a memory quantity pasted into cpu) is answered with: did you mean "1000m"?
    expectValidationError(cpuAt('1000Mi'), '[cluster/app] resources.cpu = "1000Mi": "Mi" is a memory unit, not a CPU unit. Fix: write CPU as cores ("0.5", "2") or millicores ("500m")');
  });

  test('refuses an amount below 1m', () => {
    expectValidationError(cpuAt('0.0001'), '[cluster/app] resources.cpu = "0.0001": the smallest CPU unit is 1m. Fix: round it to "1m"');
    expectValidationError(cpuAt('0.0015'), '[cluster/app] resources.cpu = "0.0015": the smallest CPU unit is 1m. Fix: round it to "2m"');
  });

  test('refuses fractional millicores', () => {
    expectValidationError(cpuAt('1.5m'), '[cluster/app] resources.cpu = "1.5m": millicores must be a whole number. Fix: write "2m"');
  });

  test('refuses a negative amount and suggests the positive one', () => {
    expectValidationError(cpuAt('-1'), '[cluster/app] resources.cpu = "-1": a CPU quantity cannot be negative. Fix: use a positive amount such as "1"');
    expectValidationError(cpuAt('-100m'), '[cluster/app] resources.cpu = "-100m": a CPU quantity cannot be negative. Fix: use a positive amount such as "100m"');
  });

  test('refuses text that is not a quantity', () => {
    const rule = 'not a Kubernetes CPU quantity. Fix: write it as millicores ("250m") or cores ("0.5", "2")';
    expectValidationError(cpuAt('abc'), `[cluster/app] resources.cpu = "abc": ${rule}`);
    expectValidationError(cpuAt('100x'), `[cluster/app] resources.cpu = "100x": ${rule}`);
    expectValidationError(cpuAt(''), `[cluster/app] resources.cpu = "": ${rule}`);
  });

  test('refuses a non-string value', () => {
    expectValidationError(cpuAt(1), '[cluster/app] resources.cpu = 1: a CPU quantity must be a string such as "100m". Fix: write it as a string, e.g. "100m" or "1"');
    expectValidationError(cpuAt(null), '[cluster/app] resources.cpu = null: a CPU quantity must be a string such as "100m". Fix: write it as a string, e.g. "100m" or "1"');
  });

  test('throws without a path when called directly', () => {
    const e = validationErrorOf(() => Cpu.parse('100mc'));
    expect(e.path).toBeUndefined();
    expect(e.message).toBe('"100mc": "mc" is not a Kubernetes CPU unit. Fix: did you mean "100m"?');
  });
});

describe('Cpu constructors and arithmetic', () => {
  test('millis and cores build exact amounts written in cores when whole, else millicores', () => {
    expect(Cpu.millis(250).millis).toBe(250);
    expect(Cpu.millis(250).toString()).toBe('250m');
    expect(Cpu.millis(1000).toString()).toBe('1');
    expect(Cpu.millis(0).toString()).toBe('0');
    expect(Cpu.cores(2).millis).toBe(2000);
    expect(Cpu.cores(2).toString()).toBe('2');
    expect(Cpu.cores(0.25).toString()).toBe('250m');
    expect(Cpu.cores(1.5).toString()).toBe('1500m');
    expect(Cpu.cores(0.7).millis).toBe(700);
  });

  test('millis and cores refuse amounts below 1m', () => {
    expectValidationError(() => Cpu.millis(1.5), '1.5: the smallest CPU unit is 1m. Fix: round it to "2m"');
    expectValidationError(() => Cpu.cores(0.0004), '0.4: the smallest CPU unit is 1m. Fix: round it to "1m"');
  });

  test('millis refuses a negative amount', () => {
    expectValidationError(() => Cpu.millis(-1), '-1: a CPU amount must be a non-negative number. Fix: pass a positive number of millicores');
  });

  test('plus adds exactly', () => {
    const sum = Cpu.parse('250m').plus(Cpu.parse('750m'));
    expect(sum.millis).toBe(1000);
    expect(sum.toString()).toBe('1');
    expect(Cpu.parse('0.3').plus(Cpu.parse('0.6')).toString()).toBe('900m');
  });

  test('times multiplies and rounds to whole millicores', () => {
    expect(Cpu.parse('100m').times(3).toString()).toBe('300m');
    expect(Cpu.parse('1').times(0.5).toString()).toBe('500m');
    expect(Cpu.parse('100m').times(0.3).millis).toBe(30);
    expect(Cpu.parse('1m').times(0.4).millis).toBe(0);
  });

  test('times refuses a negative result', () => {
    expectValidationError(() => Cpu.parse('100m').times(-1), '-100: a CPU amount must be a non-negative number. Fix: pass a positive number of millicores');
  });
});

describe('quantityValue', () => {
  test('reads CPU quantities as cores', () => {
    expect(quantityValue('100m')).toBe(0.1);
    expect(quantityValue('1.5')).toBe(1.5);
    expect(quantityValue('2')).toBe(2);
  });

  test('reads memory quantities as bytes', () => {
    expect(quantityValue('1Gi')).toBe(Gi);
    expect(quantityValue('512Mi')).toBe(512 * Mi);
    expect(quantityValue('500M')).toBe(5e8);
    expect(quantityValue('1k')).toBe(1000);
  });

  test('passes numbers through', () => {
    expect(quantityValue(2)).toBe(2);
    expect(quantityValue(0.5)).toBe(0.5);
  });

  test('reads signed and space-padded quantities', () => {
    expect(quantityValue('-1')).toBe(-1);
    expect(quantityValue('+1k')).toBe(1000);
    expect(quantityValue(' 2 ')).toBe(2);
  });

  test('returns undefined for anything unparseable', () => {
    expect(quantityValue('abc')).toBeUndefined();
    expect(quantityValue('1Mb')).toBeUndefined();
    expect(quantityValue('512 Mi')).toBeUndefined();
    expect(quantityValue('')).toBeUndefined();
    expect(quantityValue(null)).toBeUndefined();
    expect(quantityValue(undefined)).toBeUndefined();
    expect(quantityValue({ cpu: 1 })).toBeUndefined();
  });
});
