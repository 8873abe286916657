// The three modules of acme-client 5.4.0 that src/certs/certificate.ts loads one by one (see
// acmeClient there), typed with the package's own declarations of what its index re-exports.
declare module 'acme-client/src/client.js' {
  const Client: typeof import('acme-client').Client;
  export = Client;
}
declare module 'acme-client/src/crypto/index.js' {
  const crypto: typeof import('acme-client').crypto;
  export = crypto;
}
declare module 'acme-client/src/axios.js' {
  const axios: typeof import('acme-client').axios;
  export = axios;
}
