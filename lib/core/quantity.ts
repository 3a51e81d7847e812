import { invalid } from './errors';

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const NUMBER = /^(\d+(?:\.\d+)?|\.\d+)$/;
const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)([a-zA-Z]*)$/;

/** Unit spellings people write that Kubernetes does not accept, with what they meant. */
const MEMORY_TYPOS: Record<string, string> = {
  kb: 'Ki', kib: 'Ki', kbi: 'Ki', ki: 'Ki', k: 'Ki',
  mb: 'Mi', mib: 'Mi', mbi: 'Mi', mi: 'Mi', m: 'Mi', meg: 'Mi',
  gb: 'Gi', gib: 'Gi', gbi: 'Gi', gi: 'Gi', g: 'Gi', gig: 'Gi',
  tb: 'Ti', tib: 'Ti', ti: 'Ti', t: 'Ti',
  b: '', bytes: '',
};

/**
 * An amount of memory (or storage), kept in bytes. Parses Kubernetes quantity strings and
 * refuses the spellings that look right but are not (`512Mb`, `1.5Gb`, `512m`).
 */
export class Memory {
  /** Parses a Kubernetes memory quantity such as `512Mi`, `1.5Gi`, `1G` or `1073741824`. */
  public static parse(text: string): Memory {
    if (typeof text !== 'string') {
      invalid('', text, 'a memory quantity must be a string such as "512Mi"', 'write it as a string, e.g. "512Mi" or "1Gi"');
    }
    const s = text.trim();
    const m = QUANTITY.exec(s);
    if (s.startsWith('-')) {
      invalid('', text, 'a memory quantity cannot be negative', `use a positive size such as "${s.slice(1)}"`);
    }
    if (!m) {
      invalid('', text, 'not a Kubernetes memory quantity (a number with an optional unit Ki, Mi, Gi, Ti, k, M, G or T)', 'write it like "512Mi" or "1Gi"');
    }
    const [, num, unit] = m;
    let factor: number | undefined;
    if (unit === '') {
      factor = 1;
    } else if (BINARY[unit] !== undefined) {
      factor = BINARY[unit];
    } else if (DECIMAL[unit] !== undefined) {
      factor = DECIMAL[unit];
    }
    if (factor === undefined) {
      const meant = MEMORY_TYPOS[unit.toLowerCase()];
      const hint = unit === 'm'
        ? `"${num}m" means ${num} thousandths of a byte in Kubernetes; did you mean "${num}Mi"?`
        : meant !== undefined ? `did you mean "${num}${meant}"?` : 'use one of the units Ki, Mi, Gi, Ti (binary) or k, M, G, T (decimal)';
      invalid('', text, `"${unit}" is not a Kubernetes memory unit`, hint);
    }
    // exact decimal arithmetic: 1.001 * 1000 is 1000.9999999999999 in floating point
    const [int, frac = ''] = num.split('.');
    const scaled = BigInt(`${int}${frac}`) * BigInt(factor);
    const divisor = 10n ** BigInt(frac.length);
    if (scaled % divisor !== 0n) {
      invalid('', text, 'a memory quantity must be a whole number of bytes', `round it, e.g. "${(scaled / divisor) + 1n}"`);
    }
    return new Memory(Number(scaled / divisor), s);
  }

  /** `n` mebibytes (`<n>Mi`). */
  public static mebibytes(n: number): Memory {
    return Memory.fromBytes(n * BINARY.Mi);
  }

  /** `n` gibibytes (`<n>Gi`). */
  public static gibibytes(n: number): Memory {
    return Memory.fromBytes(n * BINARY.Gi);
  }

  /** A quantity of `bytes` bytes, written in the largest binary unit that divides it. */
  public static fromBytes(bytes: number): Memory {
    if (!Number.isInteger(bytes) || bytes < 0) {
      invalid('', bytes, 'a memory size must be a whole, non-negative number of bytes', 'pass a whole number');
    }
    for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
      if (bytes !== 0 && bytes % BINARY[unit] === 0) {
        return new Memory(bytes, `${bytes / BINARY[unit]}${unit}`);
      }
    }
    return new Memory(bytes, String(bytes));
  }

  private constructor(public readonly bytes: number, private readonly text: string) {}

  /** Mebibytes, possibly fractional. */
  public get mebibytes(): number {
    return this.bytes / BINARY.Mi;
  }

  public plus(other: Memory): Memory {
    return Memory.fromBytes(this.bytes + other.bytes);
  }

  public times(n: number): Memory {
    return Memory.fromBytes(Math.round(this.bytes * n));
  }

  /** The quantity as written (for parsed values) or in its largest exact binary unit. */
  public toString(): string {
    return this.text;
  }
}

/**
 * An amount of CPU, kept in millicores. Parses `100m`, `0.5`, `2`; refuses memory units and
 * spellings such as `100mc` or `1 core`.
 */
export class Cpu {
  /** Parses a Kubernetes CPU quantity such as `100m`, `0.5` or `2`. */
  public static parse(text: string): Cpu {
    if (typeof text !== 'string') {
      invalid('', text, 'a CPU quantity must be a string such as "100m"', 'write it as a string, e.g. "100m" or "1"');
    }
    const s = text.trim();
    if (s.startsWith('-')) {
      invalid('', text, 'a CPU quantity cannot be negative', `use a positive amount such as "${s.slice(1)}"`);
    }
    const compact = s.replace(/\s+/g, '');
    const spaced = () => invalid('', text, 'a Kubernetes quantity has no spaces', `did you mean "${compact}"?`);
    if (NUMBER.test(compact)) {
      if (compact !== s) spaced();
      return Cpu.fromMillis(Number(s) * 1000, s);
    }
    const m = QUANTITY.exec(compact);
    if (m) {
      const [, num, unit] = m;
      if (unit === 'm' && /^\d+$/.test(num)) {
        if (compact !== s) spaced();
        return Cpu.fromMillis(Number(num), s);
      }
      if (unit === 'm') {
        invalid('', text, 'millicores must be a whole number', `write "${Math.round(Number(num))}m"`);
      }
      const lower = unit.toLowerCase();
      if (BINARY[unit] !== undefined || (DECIMAL[unit] !== undefined && unit !== 'k')) {
        invalid('', text, `"${unit}" is a memory unit, not a CPU unit`, 'write CPU as cores ("0.5", "2") or millicores ("500m")');
      }
      if (['mc', 'mcpu', 'mi', 'millis', 'millicores', 'millicpu'].includes(lower)) {
        invalid('', text, `"${unit}" is not a Kubernetes CPU unit`, `did you mean "${num}m"?`);
      }
      if (['core', 'cores', 'cpu', 'cpus', 'vcpu', 'vcpus'].includes(lower)) {
        invalid('', text, `"${unit}" is not a Kubernetes CPU unit`, `did you mean "${num}"? (a bare number counts cores)`);
      }
      if (BINARY[unit] !== undefined || DECIMAL[unit] !== undefined || MEMORY_TYPOS[lower] !== undefined) {
        invalid('', text, `"${unit}" is a memory unit, not a CPU unit`, 'write CPU as cores ("0.5", "2") or millicores ("500m")');
      }
    }
    return invalid('', text, 'not a Kubernetes CPU quantity', 'write it as millicores ("250m") or cores ("0.5", "2")');
  }

  /** `n` millicores. */
  public static millis(n: number): Cpu {
    return Cpu.fromMillis(n);
  }

  /** `n` cores. */
  public static cores(n: number): Cpu {
    return Cpu.fromMillis(n * 1000);
  }

  private static fromMillis(millis: number, text?: string): Cpu {
    if (!Number.isFinite(millis) || millis < 0) {
      invalid('', text ?? millis, 'a CPU amount must be a non-negative number', 'pass a positive number of millicores');
    }
    if (!Number.isInteger(Math.round(millis * 1000) / 1000) || Math.abs(millis - Math.round(millis)) > 1e-9) {
      invalid('', text ?? millis, 'the smallest CPU unit is 1m', `round it to "${Math.max(1, Math.round(millis))}m"`);
    }
    const m = Math.round(millis);
    return new Cpu(m, text ?? (m % 1000 === 0 ? String(m / 1000) : `${m}m`));
  }

  private constructor(public readonly millis: number, private readonly text: string) {}

  public plus(other: Cpu): Cpu {
    return Cpu.fromMillis(this.millis + other.millis);
  }

  public times(n: number): Cpu {
    return Cpu.fromMillis(Math.round(this.millis * n));
  }

  public toString(): string {
    return this.text;
  }
}

/**
 * Parses a generic Kubernetes quantity (as found in rendered manifests) to a number of base
 * units: bytes for memory, cores for CPU. Returns `undefined` for anything unparseable; the
 * policies use it to read objects they did not build.
 */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q === 'number') {
    return q;
  }
  if (typeof q !== 'string') {
    return undefined;
  }
  const m = /^([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) {
    return undefined;
  }
  const n = Number(m[1]);
  const unit = m[2];
  if (unit === '') return n;
  if (unit === 'm') return n / 1000;
  if (BINARY[unit] !== undefined) return n * BINARY[unit];
  if (DECIMAL[unit] !== undefined) return n * DECIMAL[unit];
  return undefined;
}
