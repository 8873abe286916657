/**
 * The allowed import direction between the top-level parts of `src/` (and `bin/`), written down once:
 * test/architecture/dependency-rule.test.ts checks it and docs/architecture.md cites it.
 *
 * Layers run from the top (wiring) to the bottom (pure logic and shared helpers). A module may import
 * from its own part, from another part of its own layer, or from any lower layer; never from a higher
 * one. No import cycle between parts, type-only imports included (same-layer imports must not loop).
 * A part is a folder of `src/`, a file directly in `src/`, or `bin`. A new part goes into this table.
 */
export interface Layer {
  /** What this layer does, in a few words. */
  readonly role: string;
  /** Its parts: `bin`, a folder of `src/` (`cli`) or a file directly in `src/` (`errors.ts`). */
  readonly parts: readonly string[];
}

export const LAYERS: readonly Layer[] = [
  { role: 'entry points: wire the CLI and the CDK app, nothing else', parts: ['bin'] },
  { role: 'the meetctl commands, their output and their session', parts: ['cli'] },
  { role: 'what `meetctl plan` reports: the synthesized stack inventoried and priced', parts: ['plan'] },
  { role: 'the CDK stack and its constructs; synthesizes everything below', parts: ['infra'] },
  { role: 'Lambda handlers: thin, wire adapters to the logic', parts: ['lambda'] },
  { role: 'adapters that implement the ports: AWS SDK v3, and the offline simulator', parts: ['aws', 'sim'] },
  {
    role: 'features built on the ports: pages, automation, certificates, checks, reports, cost, identity',
    parts: ['page', 'asleep', 'automation', 'certs', 'net', 'report', 'cost', 'auth', 'branding'],
  },
  {
    role: 'pure logic: control plane and its ports, task DNS, recording, schedules, config',
    parts: ['control', 'recording', 'schedule', 'config'],
  },
  {
    role: 'shared helpers with no imports from the rest of src/',
    parts: ['errors.ts', 'package-root.ts', 'ttl-cache.ts', 'web-escape.ts', 'web-headers.ts', 'write-files.ts'],
  },
];
