// Token checks, the command line and the graphql-ws options shared by reference.mjs and apollo.mjs
// (Apollo Server's subscriptions are graphql-ws's useServer): Node's own crypto only.
// A JWT signed ES256 (P-256), verified against the PEM public key given on the command line; `exp`
// is required and checked without leeway; `sub` (a string) is the identity.
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export function commandLine() {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'public-key': { type: 'string' } },
  });
  if (values.port === undefined || values['public-key'] === undefined) {
    throw new Error('usage: --port PORT --public-key PATH');
  }
  const publicKey = createPublicKey(readFileSync(values['public-key']));
  return { port: Number(values.port), publicKey };
}

function decodePart(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** The token's `sub` if it verifies, else null. */
export function verifiedSubject(token, publicKey) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return null;
  try {
    const header = decodePart(parts[0]);
    if (header === null || header.alg !== 'ES256') return null;
    const signature = Buffer.from(parts[2], 'base64url');
    if (signature.length !== 64) return null;
    const signed = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      signature,
    );
    if (!signed) return null;
    const claims = decodePart(parts[1]);
    if (claims === null || typeof claims !== 'object') return null;
    if (typeof claims.exp !== 'number' || Date.now() / 1000 >= claims.exp) return null;
    if (typeof claims.sub !== 'string') return null;
    return claims.sub;
  } catch {
    return null;
  }
}

/** `Bearer <jwt>` → the jwt, else null. */
function bearer(value) {
  if (typeof value !== 'string') return null;
  const match = /^Bearer (\S+)$/.exec(value);
  return match ? match[1] : null;
}

/**
 * The token: the ConnectionInit payload's `Authorization` member, or, when the payload has none,
 * the upgrade request's `Authorization` header.
 */
export function tokenOf(connectionParams, request) {
  if (connectionParams && typeof connectionParams === 'object' && 'Authorization' in connectionParams) {
    return bearer(connectionParams.Authorization);
  }
  return bearer(request?.headers?.authorization);
}

export const CONNECTION_INIT_WAIT_TIMEOUT_MS = 3000;

/** graphql-ws's `useServer` options: authentication only through its documented `onConnect`
 * hook (returning false rejects: graphql-ws closes 4403 Forbidden); the verified `sub` becomes
 * the operations' context. */
export function serverOptions(schema, publicKey) {
  const subjects = new WeakMap(); // graphql-ws's connection context → the verified `sub`
  return {
    schema,
    connectionInitWaitTimeout: CONNECTION_INIT_WAIT_TIMEOUT_MS,
    onConnect: (ctx) => {
      const sub = verifiedSubject(tokenOf(ctx.connectionParams, ctx.extra.request), publicKey);
      if (sub === null) return false;
      subjects.set(ctx, sub);
      return true;
    },
    context: (ctx) => ({ sub: subjects.get(ctx) }),
  };
}
