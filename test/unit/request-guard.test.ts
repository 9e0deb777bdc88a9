/**
 * The last-resort guard around the HTTP server: an error that escapes the router in one request is
 * logged and answered 500 (no stack), and the server keeps answering the next request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardRequests } from '../../server/http/request-guard.js';
import { captureLog } from '../helpers/log-capture.js';

let server: Server;
let url: string;
const logs = captureLog('debug');

beforeAll(async () => {
  server = createServer(
    guardRequests((req, res) => {
      if (req.url === '/throw') throw new TypeError('boom in a handler');
      if (req.url === '/throw-after-headers') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        throw new Error('boom after headers');
      }
      res.end('fine');
    }, logs.log),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('request guard', () => {
  it('answers 500 with the error table’s body and no stack when a handler throws', async () => {
    const res = await fetch(`${url}/throw`);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'internal', message: 'Something went wrong on our side.' } });
    expect(body).not.toMatch(/TypeError|boom|at /);
    expect(logs.text()).toContain('boom in a handler');
  });

  it('cuts the connection when the error comes after the headers, and keeps serving', async () => {
    await expect(fetch(`${url}/throw-after-headers`).then((r) => r.text())).rejects.toThrow();
    const res = await fetch(`${url}/ok`);
    expect(await res.text()).toBe('fine');
  });
});
