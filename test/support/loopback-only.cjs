// Preloaded (`node --require`) into a child process under test: a TCP connection to anything but the
// loopback fails at once and says so on stderr, so a test that finds no such line proves that nothing
// left 127.0.0.1 (no real AWS endpoint, no instance metadata, no DNS name resolved and dialled).
const net = require('node:net');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);
const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function loopbackOnly(...args) {
  // net.connect passes its normalized arguments as one array ([options, callback]).
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = first !== null && typeof first === 'object' ? first : { port: first, host: args[1] };
  const host = options.host ?? 'localhost';
  if (options.path === undefined && !LOOPBACK.has(host)) {
    const message = `loopback-only: refused a connection to ${host}:${options.port}`;
    process.stderr.write(`${message}\n`);
    process.nextTick(() => this.destroy(Object.assign(new Error(message), { code: 'ECONNREFUSED' })));
    return this;
  }
  return connect.apply(this, args);
};
