// Makes the OIDC tests' keys, key sets and tokens with npm `jose` (a third-party JOSE library), so
// the service's verifier is checked against tokens it did not sign itself.
//   node make-tokens.mjs OUT_DIR HS256_SECRET
// Writes OUT_DIR/jwks.json (rsa-1, ec-1), jwks-rotated.json (+ rsa-2), jwks-mixed.json (rsa-1 and
// keys the service must skip), tokens.json ({name: token}) and meta.json (issuer, audience).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicKey } from 'node:crypto';
import * as jose from 'jose';

const [outDir, secret] = process.argv.slice(2);
if (!outDir || !secret) {
  console.error('usage: node make-tokens.mjs OUT_DIR HS256_SECRET');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const issuer = 'https://idp.boxoffice.test/realms/fans';
const audience = 'boxoffice-api';
const now = Math.floor(Date.now() / 1000);

const gen = (alg, options = {}) => jose.generateKeyPair(alg, { extractable: true, ...options });
const rsa1 = await gen('RS256', { modulusLength: 2048 });
const rsa2 = await gen('RS256', { modulusLength: 3072 });
const ec1 = await gen('ES256');
const ec384 = await gen('ES384');

const publicJwk = async (pair, kid, alg, extra = {}) => ({ ...(await jose.exportJWK(pair.publicKey)), kid, alg, use: 'sig', ...extra });
const rsa1Jwk = await publicJwk(rsa1, 'rsa-1', 'RS256');
const ec1Jwk = await publicJwk(ec1, 'ec-1', 'ES256');
const rsa2Jwk = await publicJwk(rsa2, 'rsa-2', 'RS256');
const hmacSecret = 'a-symmetric-key-published-in-a-jwks-0123456789';

const write = (name, value) => writeFileSync(join(outDir, name), JSON.stringify(value, null, 2) + '\n');
write('jwks.json', { keys: [rsa1Jwk, ec1Jwk] });
write('jwks-rotated.json', { keys: [rsa1Jwk, ec1Jwk, rsa2Jwk] });
write('jwks-mixed.json', {
  keys: [
    rsa1Jwk,
    { kty: 'oct', kid: 'hmac-1', alg: 'HS256', k: jose.base64url.encode(hmacSecret) },
    { ...rsa2Jwk, kid: 'enc-1', use: 'enc' },
    { ...rsa2Jwk, kid: 'ps-1', alg: 'PS256' },
    await publicJwk(ec384, 'ec-384', 'ES384'),
  ],
});

// Claims of an ordinary, valid provider token; each case changes one thing.
const base = { iss: issuer, aud: audience, sub: 'fan-1', iat: now, exp: now + 3600 };
const sign = (claims, header, key) => new jose.SignJWT(claims).setProtectedHeader({ typ: 'JWT', ...header }).sign(key);
const rs = (claims, header = {}) => sign(claims, { alg: 'RS256', kid: 'rsa-1', ...header }, rsa1.privateKey);
const es = (claims, header = {}) => sign(claims, { alg: 'ES256', kid: 'ec-1', ...header }, ec1.privateKey);
const { aud: _aud, ...noAud } = base;
const { iss: _iss, ...noIss } = base;
const { sub: _sub, ...noSub } = base;

const b64 = (value) => jose.base64url.encode(JSON.stringify(value));
const rsValid = await rs(base);
const [rsHeader, , rsSignature] = rsValid.split('.');
const rsaPem = createPublicKey({ key: rsa1Jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });

const tokens = {
  rs256_valid: rsValid,
  es256_valid: await es({ ...base, sub: 'fan-ec' }),
  rs256_admin_role: await rs({ ...base, sub: 'ops-1', role: 'admin' }),
  rs256_at_jwt: await rs({ ...base, sub: 'fan-at' }, { typ: 'at+jwt' }),
  rs256_no_kid: await sign({ ...base, sub: 'fan-nokid' }, { alg: 'RS256' }, rsa1.privateKey),
  aud_array: await rs({ ...base, aud: ['another-api', audience], sub: 'fan-aud' }),
  cognito_admin: await rs({ ...base, sub: 'cog-admin', 'cognito:groups': ['staff', 'admin'], token_use: 'id' }),
  cognito_user: await rs({ ...base, sub: 'cog-user', 'cognito:groups': ['staff'], token_use: 'id' }),
  expired: await rs({ ...base, iat: now - 7200, exp: now - 3600 }),
  not_yet_valid: await rs({ ...base, nbf: now + 3600, exp: now + 7200 }),
  wrong_aud: await rs({ ...base, aud: 'someone-elses-api' }),
  wrong_aud_array: await rs({ ...base, aud: ['a', 'b'] }),
  missing_aud: await rs(noAud),
  wrong_iss: await rs({ ...base, iss: 'https://evil.example/' }),
  missing_iss: await rs(noIss),
  missing_sub: await rs(noSub),
  unknown_kid: await sign({ ...base, sub: 'fan-rotated' }, { alg: 'RS256', kid: 'rsa-2' }, rsa2.privateKey),
  unknown_kid_2: await sign({ ...base, sub: 'fan-rotated-2' }, { alg: 'RS256', kid: 'rsa-3' }, rsa2.privateKey),
  // The payload changed after signing (a user promoting themselves); the signature is rs256_valid's.
  tampered: `${rsHeader}.${b64({ ...base, sub: 'fan-1', role: 'admin' })}.${rsSignature}`,
  // An RS256-signed token whose kid names the EC key: the algorithm does not fit the key.
  kid_alg_mismatch: await rs({ ...base, sub: 'fan-mismatch' }, { kid: 'ec-1' }),
  // Classic algorithm confusion: HS256 with the provider's public key (PEM, and the JWK's n) as the HMAC secret.
  alg_confusion_pem: await sign({ ...base, role: 'admin' }, { alg: 'HS256', kid: 'rsa-1' }, new TextEncoder().encode(rsaPem)),
  alg_confusion_jwk: await sign({ ...base, role: 'admin' }, { alg: 'HS256', kid: 'rsa-1' },
    new TextEncoder().encode(JSON.stringify(rsa1Jwk))),
  // HS256 signed with a symmetric key that a (bad) JWKS published.
  hs256_jwks_oct: await sign({ ...base, role: 'admin' }, { alg: 'HS256', kid: 'hmac-1' }, new TextEncoder().encode(hmacSecret)),
  alg_none: new jose.UnsecuredJWT({ ...base, role: 'admin' }).encode(),
  alg_none_with_kid: `${b64({ alg: 'none', kid: 'rsa-1' })}.${b64({ ...base, role: 'admin' })}.`,
  // The shared-secret path, signed by jose too.
  hs256_valid: await sign({ ...base, sub: 'svc-1', role: 'admin' }, { alg: 'HS256' }, new TextEncoder().encode(secret)),
  hs256_wrong_secret: await sign({ ...base, sub: 'svc-1' }, { alg: 'HS256' }, new TextEncoder().encode(secret + 'x')),
};
// An ES256 signature under a header that claims RS256 for the EC key.
const esValid = tokens.es256_valid.split('.');
tokens.es256_signed_as_rs256_header = `${b64({ alg: 'RS256', kid: 'ec-1', typ: 'JWT' })}.${esValid[1]}.${esValid[2]}`;

write('tokens.json', tokens);
write('meta.json', { issuer, audience });
console.log(`oidc fixtures: ${Object.keys(tokens).length} tokens in ${outDir}`);
