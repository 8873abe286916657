// The task-DNS logic is part of the control plane now (src/control/task-dns.ts): it and the control
// plane imported each other (issue 22). This re-export keeps src/sim/simulated-aws.ts compiling until
// its own split lands; delete it once nothing imports src/dns/ (the dependency-rule test lists who does).
export * from '../control/task-dns.js';
