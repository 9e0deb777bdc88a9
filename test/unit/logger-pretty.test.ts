import { Writable } from 'node:stream';
import { createLogger } from '../../shared/logger.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

describe('logger on a terminal (pretty)', () => {
  it('writes one readable line per event with its fields, not JSON', () => {
    const out = sink();
    const log = createLogger({ name: 'hub', pretty: true }, out.stream);
    log.info({ port: 4000 }, 'server listening');
    log.warn('redis connection lost; reconnecting');
    const lines = out.text().split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/INFO.*server listening.*"?port"?: ?4000/);
    expect(lines[1]).toMatch(/WARN.*redis connection lost/);
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });

  it('keeps a multi-line banner together as one block', () => {
    const out = sink();
    createLogger({ pretty: true }, out.stream).warn(['DEMO MODE: one', '  two', '  three'].join('\n'));
    expect(out.text()).toMatch(/WARN.*DEMO MODE: one\n {2}two\n {2}three\n$/);
  });

  it('still redacts secrets', () => {
    const out = sink();
    createLogger({ pretty: true }, out.stream).info(
      { token: 'op-secret-value', nested: { refresh_token: 'rt-secret' } },
      'operator login',
    );
    expect(out.text()).not.toMatch(/op-secret-value|rt-secret/);
    expect(out.text()).toContain('[Redacted]');
  });
});

describe('logger elsewhere (JSON)', () => {
  it('writes one JSON object per event when not told to be pretty', () => {
    const out = sink();
    createLogger({ name: 'hub' }, out.stream).info({ port: 4000 }, 'server listening');
    const record = JSON.parse(out.text().trim()) as { msg: string; port: number; name: string };
    expect(record).toMatchObject({ msg: 'server listening', port: 4000, name: 'hub' });
  });
});
