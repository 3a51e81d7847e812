import { HclBlock, isHclBlock, renderHcl } from '../../../lib/security/vault/hcl';
import { VAULT_DEFAULT_HA_TABLE, VAULT_DEFAULT_KV_TABLE, vaultPostgresqlSchemaSql } from '../../../lib/security/vault/storage';
import { errorOf } from '../../helpers';

describe('renderHcl', () => {
  test('renders attributes of every value type, one per line', () => {
    expect(renderHcl([
      { name: 'ui', value: true },
      { name: 'disable_mlock', value: false },
      { name: 'max_request_size', value: 33554432 },
      { name: 'ratio', value: 0.5 },
      { name: 'cluster_name', value: 'lab' },
      { name: 'plugin_directories', value: ['/a', '/b'] },
      { name: 'empty', value: [] },
    ])).toBe([
      'ui = true',
      'disable_mlock = false',
      'max_request_size = 33554432',
      'ratio = 0.5',
      'cluster_name = "lab"',
      'plugin_directories = ["/a", "/b"]',
      'empty = []',
      '',
    ].join('\n'));
  });

  test('renders labelled, unlabelled, nested and empty blocks, with a blank line between top-level blocks', () => {
    const text = renderHcl([
      { name: 'ui', value: true },
      HclBlock.of('storage', ['raft'], { path: '/vault/data' }, [
        HclBlock.of('retry_join', [], { leader_api_addr: 'https://vault-0:8200' }),
        HclBlock.of('retry_join', [], { leader_api_addr: 'https://vault-1:8200' }),
      ]),
      HclBlock.of('service_registration', ['kubernetes']),
      HclBlock.of('seal', ['transit', 'second']),
    ]);
    expect(text).toBe([
      'ui = true',
      'storage "raft" {',
      '  path = "/vault/data"',
      '  retry_join {',
      '    leader_api_addr = "https://vault-0:8200"',
      '  }',
      '  retry_join {',
      '    leader_api_addr = "https://vault-1:8200"',
      '  }',
      '}',
      '',
      'service_registration "kubernetes" {}',
      '',
      'seal "transit" "second" {}',
      '',
    ].join('\n'));
  });

  test('escapes backslashes, quotes, newlines, carriage returns and tabs in strings and labels', () => {
    expect(renderHcl([HclBlock.of('x', ['a"b'], { s: 'C:\\dir "q"\n\r\t' })])).toBe('x "a\\"b" {\n  s = "C:\\\\dir \\"q\\"\\n\\r\\t"\n}\n');
  });

  test('HclBlock.of puts attributes before nested blocks; isHclBlock tells them apart', () => {
    const inner = HclBlock.of('inner');
    const b = HclBlock.of('outer', ['l'], { a: 1 }, [inner]);
    expect(b.type).toBe('outer');
    expect(b.labels).toEqual(['l']);
    expect(b.body).toEqual([{ name: 'a', value: 1 }, inner]);
    expect(isHclBlock(inner)).toBe(true);
    expect(isHclBlock({ name: 'a', value: 1 })).toBe(false);
  });

  test('refuses a name that is not an HCL identifier, with the path of the attribute', () => {
    expect(errorOf(() => renderHcl([HclBlock.of('telemetry', [], { 'bad key': 1 })])))
      .toBe('telemetry.bad key = "bad key": not an HCL identifier (letters, digits, "_" and "-", starting with a letter or "_"). Fix: use the attribute or block name from Vault\'s configuration reference, e.g. "default_lease_ttl"');
    expect(errorOf(() => renderHcl([HclBlock.of('9seal')])))
      .toBe('9seal = "9seal": not an HCL identifier (letters, digits, "_" and "-", starting with a letter or "_"). Fix: use the attribute or block name from Vault\'s configuration reference, e.g. "default_lease_ttl"');
  });

  test('refuses "${" (an HCL 1 interpolation) in strings and labels', () => {
    expect(errorOf(() => renderHcl([{ name: 'cluster_name', value: 'a${b}' }])))
      .toBe('cluster_name = "a${b}": HCL 1 reads "${" as the start of an interpolation. Fix: remove the "${" sequence; Vault configuration takes literal values (or environment variables for secrets)');
    expect(errorOf(() => renderHcl([HclBlock.of('seal', ['${x}'])])))
      .toBe('seal.labels[0] = "${x}": HCL 1 reads "${" as the start of an interpolation. Fix: remove the "${" sequence; Vault configuration takes literal values (or environment variables for secrets)');
  });

  test('refuses other control characters', () => {
    expect(errorOf(() => renderHcl([{ name: 'x', value: 'a\u0000b' }])))
      .toBe('x = "a\\u0000b": a control character other than newline, carriage return or tab cannot be written in an HCL string. Fix: remove it');
  });

  test('refuses non-finite numbers, nested lists and objects', () => {
    expect(errorOf(() => renderHcl([{ name: 'n', value: Number.NaN }])))
      .toBe('n = NaN: not a finite number. Fix: use a whole or decimal number, or a string such as "30s" for durations');
    expect(errorOf(() => renderHcl([{ name: 'l', value: [['a']] }])))
      .toBe('l[0] = ["a"]: Vault\'s configuration has no nested lists. Fix: flatten the list');
    expect(errorOf(() => renderHcl([{ name: 'o', value: { a: 1 } as any }])))
      .toBe('o = {"a":1}: an HCL attribute value is a string, number, boolean or list of those. Fix: write nested objects as an HclBlock');
  });
});

describe('vaultPostgresqlSchemaSql', () => {
  test('is Vault\'s documented DDL for the default tables, made idempotent', () => {
    expect(VAULT_DEFAULT_KV_TABLE).toBe('vault_kv_store');
    expect(VAULT_DEFAULT_HA_TABLE).toBe('vault_ha_locks');
    expect(vaultPostgresqlSchemaSql('vault_kv_store', 'vault_ha_locks')).toBe([
      'CREATE TABLE IF NOT EXISTS vault_kv_store (',
      '  parent_path TEXT COLLATE "C" NOT NULL,',
      '  path        TEXT COLLATE "C",',
      '  key         TEXT COLLATE "C",',
      '  value       BYTEA,',
      '  CONSTRAINT pkey PRIMARY KEY (path, key)',
      ');',
      'CREATE INDEX IF NOT EXISTS parent_path_idx ON vault_kv_store (parent_path);',
      'CREATE TABLE IF NOT EXISTS vault_ha_locks (',
      '  ha_key      TEXT COLLATE "C" NOT NULL,',
      '  ha_identity TEXT COLLATE "C" NOT NULL,',
      '  ha_value    TEXT COLLATE "C",',
      '  valid_until TIMESTAMP WITH TIME ZONE NOT NULL,',
      '  CONSTRAINT ha_key PRIMARY KEY (ha_key)',
      ');',
      '',
    ].join('\n'));
  });

  test('prefixes constraint and index names with custom table names (index names are unique per schema)', () => {
    const sql = vaultPostgresqlSchemaSql('lab_kv', 'lab_locks');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS lab_kv (');
    expect(sql).toContain('  CONSTRAINT lab_kv_pkey PRIMARY KEY (path, key)');
    expect(sql).toContain('CREATE INDEX IF NOT EXISTS lab_kv_parent_path_idx ON lab_kv (parent_path);');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS lab_locks (');
    expect(sql).toContain('  CONSTRAINT lab_locks_pkey PRIMARY KEY (ha_key)');
  });

  test('has no lock table without HA', () => {
    const sql = vaultPostgresqlSchemaSql('vault_kv_store', undefined);
    expect(sql).not.toContain('vault_ha_locks');
    expect(sql.trim().split('\n').pop()).toBe('CREATE INDEX IF NOT EXISTS parent_path_idx ON vault_kv_store (parent_path);');
  });
});
