// dynalite ships no types; the tests use only this much of it.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  function dynalite(options?: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }): Server;
  export default dynalite;
}
