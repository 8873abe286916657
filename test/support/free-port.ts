import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on now: the OS picks it, then the probe lets it go. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
