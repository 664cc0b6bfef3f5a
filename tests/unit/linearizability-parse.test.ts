import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkLinearizability,
  detectFormat,
  parseHistoryText,
  ParseError,
  type ParsedHistory,
} from '../../src/sim/checks/linearizability';
import { jsonErrorOffset } from '../../src/sim/checks/linearizability/parse';

const jepsen = (...lines: string[]) => lines.map((l) => `INFO  jepsen.util - ${l}`).join('\n') + '\n';

function parseError(text: string): ParseError {
  try {
    parseHistoryText(text);
  } catch (err) {
    if (err instanceof ParseError) return err;
    throw err;
  }
  throw new Error('expected a ParseError');
}

function summary(p: ParsedHistory) {
  return p.operations.map((o) => ({ ref: o.ref, client: o.client, key: o.key, input: o.input, output: o.output, callAt: o.callAt, returnAt: o.returnAt }));
}

describe('format detection', () => {
  it('tells the three formats apart from their first line', () => {
    expect(detectFormat(jepsen('0\t:invoke\t:read\tnil'))).toBe('jepsen-etcd');
    expect(detectFormat('{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n')).toBe('kv-edn');
    expect(detectFormat('\n  [{"op": "a#1"}]')).toBe('json');
    expect(detectFormat('{ "history": [] }')).toBe('json');
    expect(detectFormat('hello')).toBeUndefined();
    expect(detectFormat('  \n')).toBeUndefined();
  });

  it('an empty or unknown file is a parse error on a line', () => {
    expect(parseError('')).toMatchObject({ line: 1, detail: expect.stringMatching(/empty/) });
    expect(parseError('\n\nhello\n')).toMatchObject({ line: 3, detail: expect.stringMatching(/unrecognised format/) });
  });
});

describe('Jepsen etcd logs', () => {
  it('pairs invocations with completions by process; time is the line number', () => {
    const p = parseHistoryText(jepsen('0\t:invoke\t:write\t3', '1\t:invoke\t:read\tnil', '1\t:ok\t:read\tnil', '0\t:ok\t:write\t3', '2  :invoke :cas    [3 4]', '2  :ok     :cas    [3 4]'));
    expect(p).toMatchObject({ format: 'jepsen-etcd', model: 'register', dropped: 0 });
    expect(summary(p)).toEqual([
      { ref: 'line 2', client: '1', key: '', input: { f: 'read' }, output: null, callAt: 2, returnAt: 3 },
      { ref: 'line 1', client: '0', key: '', input: { f: 'write', value: 3 }, output: null, callAt: 1, returnAt: 4 },
      { ref: 'line 5', client: '2', key: '', input: { f: 'cas', from: 3, to: 4 }, output: true, callAt: 5, returnAt: 6 },
    ]);
  });

  it('a failed cas is a compare that failed: it saw a value other than `from`', () => {
    const p = parseHistoryText(jepsen('0\t:invoke\t:cas\t[1 2]', '0\t:fail\t:cas\t[1 2]'));
    expect(summary(p)[0]).toMatchObject({ input: { f: 'cas', from: 1, to: 2 }, output: false });
    // So after write(1), a failed cas(1, 2) is a violation.
    const violation = parseHistoryText(jepsen('0\t:invoke\t:write\t1', '0\t:ok\t:write\t1', '0\t:invoke\t:cas\t[1 2]', '0\t:fail\t:cas\t[1 2]'));
    expect(checkLinearizability(violation).verdict).toBe('not linearizable');
  });

  it('timeouts: an info write or cas never returns, a timed-out read is dropped, a missing completion is unknown', () => {
    const p = parseHistoryText(
      jepsen('0\t:invoke\t:write\t1', '1\t:invoke\t:cas\t[1 2]', '2\t:invoke\t:read\tnil', '0\t:info\t:write\t:timed-out', '1\t:info\t:cas\t:timed-out', '2\t:fail\t:read\t:timed-out', '3\t:invoke\t:write\t5'),
    );
    expect(p.dropped).toBe(1);
    expect(summary(p)).toEqual([
      expect.objectContaining({ ref: 'line 1', input: { f: 'write', value: 1 }, output: undefined, returnAt: Infinity }),
      expect.objectContaining({ ref: 'line 2', input: { f: 'cas', from: 1, to: 2 }, output: undefined, returnAt: Infinity }),
      expect.objectContaining({ ref: 'line 7', input: { f: 'write', value: 5 }, output: undefined, returnAt: Infinity }),
    ]);
  });

  it('skips other log lines and reports malformed ones with their line', () => {
    const ok = parseHistoryText('INFO  jepsen.core - Running test\n' + jepsen('0\t:invoke\t:read\tnil', '0\t:ok\t:read\t7'));
    expect(summary(ok)).toEqual([expect.objectContaining({ output: 7, callAt: 2, returnAt: 3 })]);
    expect(parseError(jepsen('0\t:invoke\t:read\tnil') + 'garbage\n')).toMatchObject({ line: 2 });
    expect(parseError(jepsen('0\t:invoke\t:read\tnil', '1\t:ok\t:read\t3'))).toMatchObject({ line: 2, detail: expect.stringMatching(/never invoked/) });
    expect(parseError(jepsen('0\t:invoke\t:read\tnil', '0\t:ok\t:write\t3'))).toMatchObject({ line: 2, detail: expect.stringMatching(/invoked a read/) });
    expect(parseError(jepsen('0\t:invoke\t:write\tbanana'))).toMatchObject({ line: 1 });
    expect(parseError(jepsen('0\t:invoke\t:delete\t1'))).toMatchObject({ line: 1, detail: expect.stringMatching(/unknown operation/) });
  });
});

describe('key-value EDN lines', () => {
  const line = (proc: number, type: string, f: string, key: string, value: string) => `{:process ${proc}, :type :${type}, :f :${f}, :key "${key}", :value ${value}}`;

  it('parses get / put / append, keeps keys, and reads a nil or missing value as ""', () => {
    const text = [
      line(0, 'invoke', 'put', '1', '"a"'),
      line(1, 'invoke', 'get', '2', 'nil'),
      line(0, 'ok', 'put', '1', '"a"'),
      line(1, 'ok', 'get', '2', 'nil'),
      line(0, 'invoke', 'append', '1', '"b \\"q\\""'),
      line(0, 'ok', 'append', '1', '"b \\"q\\""'),
      '{:process :nemesis, :type :info, :f :start, :value nil}',
    ].join('\n');
    const p = parseHistoryText(text);
    expect(p).toMatchObject({ format: 'kv-edn', model: 'kv', dropped: 0 });
    expect(summary(p)).toEqual([
      { ref: 'line 1', client: '0', key: '1', input: { f: 'put', value: 'a' }, output: null, callAt: 1, returnAt: 3 },
      { ref: 'line 2', client: '1', key: '2', input: { f: 'get' }, output: '', callAt: 2, returnAt: 4 },
      { ref: 'line 5', client: '0', key: '1', input: { f: 'append', value: 'b "q"' }, output: null, callAt: 5, returnAt: 6 },
    ]);
  });

  it('fail is dropped, info and missing completions are unknown', () => {
    const text = [line(0, 'invoke', 'append', '1', '"a"'), line(0, 'fail', 'append', '1', '"a"'), line(1, 'invoke', 'append', '1', '"b"'), line(1, 'info', 'append', '1', '"b"'), line(2, 'invoke', 'get', '1', 'nil')].join('\n');
    const p = parseHistoryText(text);
    expect(p.dropped).toBe(2);
    expect(summary(p)).toEqual([expect.objectContaining({ ref: 'line 3', output: undefined, returnAt: Infinity })]);
  });

  it('reports malformed lines with their number', () => {
    const good = line(0, 'invoke', 'get', '1', 'nil');
    expect(parseError(`${good}\n{:process 0, :type :ok, :f :get, :key "1", :value "unterminated}`)).toMatchObject({ line: 2, detail: expect.stringMatching(/unterminated string/) });
    expect(parseError(`${good}\n${line(0, 'ok', 'get', '9', '""')}`)).toMatchObject({ line: 2, detail: expect.stringMatching(/invoked get on key "1"/) });
    expect(parseError(`${good}\n\n${line(0, 'invoke', 'frobnicate', '1', 'nil')}`)).toMatchObject({ line: 3 });
    expect(parseError(line(0, 'invoke', 'put', '1', 'nil'))).toMatchObject({ line: 1, detail: expect.stringMatching(/string :value/) });
  });
});

describe('the project JSON', () => {
  const entries = [
    { op: 'a#1', client: 'a', type: 'invoke', f: 'write', key: 'k', value: 1, atUs: 0 },
    { op: 'a#1', client: 'a', type: 'ok', f: 'write', key: 'k', value: 1, atUs: 10 },
    { op: 'b#1', client: 'b', type: 'invoke', f: 'read', key: 'k', value: null, atUs: 20 },
    { op: 'b#1', client: 'b', type: 'ok', f: 'read', key: 'k', value: 1, atUs: 30 },
  ];

  it('accepts an array or { "history": [...] }', () => {
    for (const text of [JSON.stringify(entries), JSON.stringify({ scenario: 'x', history: entries }, null, 2)]) {
      const p = parseHistoryText(text);
      expect(p).toMatchObject({ format: 'json', model: 'register', dropped: 0 });
      expect(summary(p)).toEqual([
        { ref: 'a#1', client: 'a', key: 'k', input: { f: 'write', value: 1 }, output: null, callAt: 0, returnAt: 10 },
        { ref: 'b#1', client: 'b', key: 'k', input: { f: 'read' }, output: 1, callAt: 20, returnAt: 30 },
      ]);
    }
  });

  it('names the line of a bad entry and of bad JSON', () => {
    const bad = entries.map((e, i) => (i === 2 ? { ...e, f: 'scan' } : e));
    const oneEntryPerLine = '[\n' + bad.map((e) => JSON.stringify(e)).join(',\n') + '\n]\n';
    expect(parseError(oneEntryPerLine)).toMatchObject({ line: 4, detail: expect.stringMatching(/entry 2: `f` must be read or write/) });
    const nested = '{\n  "meta": [1, 2],\n  "history": [\n' + bad.map((e) => '    ' + JSON.stringify(e)).join(',\n') + '\n  ]\n}';
    expect(parseError(nested)).toMatchObject({ line: 6 });
    expect(parseError('[\n{"op": "a#1",\n "client": }\n]')).toMatchObject({ line: 3, detail: expect.stringMatching(/invalid JSON/) });
    expect(parseError('{"entries": []}')).toMatchObject({ line: 1, detail: expect.stringMatching(/expected an array/) });
  });
});

describe('the JSON error locator', () => {
  it('finds an error exactly when JSON.parse does', () => {
    const damaged = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('', '}', ']', ',', '"', ':', 'x', '\\', '\n', '0')).map(([json, at, insert]) => {
      const cut = at % (json.length + 1);
      return json.slice(0, cut) + insert + json.slice(cut + (at % 2));
    });
    fc.assert(
      fc.property(fc.oneof(fc.json(), damaged), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const offset = jsonErrorOffset(text);
        expect(offset === undefined).toBe(valid);
        if (offset !== undefined) expect(offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('survives deep nesting', () => {
    expect(jsonErrorOffset('['.repeat(100_000) + ']'.repeat(100_000))).toBeUndefined();
    expect(jsonErrorOffset('['.repeat(100_000))).toBe(100_000);
  });
});
