/**
 * A local HTTP server standing in for an album-art host, with the ways such a host can misbehave:
 * slow, huge (with and without Content-Length), not an image, broken image bytes, redirects.
 * It counts requests per path and remembers how each response ended.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ArtServer {
  readonly url: string;
  /** Requests seen per path. */
  readonly hits: Map<string, number>;
  /** Paths whose response the client abandoned before it was complete. */
  readonly abandoned: Set<string>;
  /** Bytes written per path. */
  readonly written: Map<string, number>;
  route(path: string, handler: (req: IncomingMessage, res: ServerResponse) => void): void;
  close(): Promise<void>;
}

export async function startArtServer(): Promise<ArtServer> {
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const hits = new Map<string, number>();
  const abandoned = new Set<string>();
  const written = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    res.on('close', () => {
      if (!res.writableFinished) abandoned.add(path);
    });
    const write = res.write.bind(res) as (chunk: Buffer) => boolean;
    res.write = ((chunk: Buffer) => {
      written.set(path, (written.get(path) ?? 0) + chunk.length);
      return write(chunk);
    }) as typeof res.write;
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits,
    abandoned,
    written,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
