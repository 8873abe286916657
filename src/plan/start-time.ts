// The start-time model is pure control-plane logic now (src/control/start-time.ts): the Lambda handlers
// and the simulator read it, and they sit below plan (issue 22, test/architecture/layers.ts). This
// re-export keeps src/sim/simulated-aws.ts compiling until its own split lands; delete it then (the
// dependency-rule test reports the sim's upward import until the import names src/control/start-time.js).
export * from '../control/start-time.js';
