import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { type CognitoIdentity, identityFrom } from '../../src/auth/token-exchange.js';

export const POOL = 'us-west-2_AbCdEf123';
export const CLIENT = 'page-client';
export const ISSUER = `https://cognito-idp.us-west-2.amazonaws.com/${POOL}`;

/**
 * A locally generated RSA key standing in for Cognito's: aws-jwt-verify checks ID tokens against the
 * JWKS handed to it (cacheJwks), so nothing is fetched. `sign` makes ID tokens of this pool and client.
 */
export async function localCognito(clientId = CLIENT): Promise<{
  sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;
  verify: (idToken: string) => Promise<CognitoIdentity>;
}> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, clientId, tokenUse: 'id' });
  verifier.cacheJwks({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' } as never] });
  return {
    verify: identityFrom(verifier as never),
    sign: (claims, header = {}) =>
      new SignJWT({ token_use: 'id', aud: clientId, iss: ISSUER, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
  };
}
