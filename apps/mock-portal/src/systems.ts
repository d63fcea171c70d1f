import { randomBytes, X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';
import type { TestPki } from '@dvc-kit/signature';
import { MockPortalError } from './errors.js';
import { vietnamIso, type Clock } from './clock.js';
import type { PortalStore, RegisteredSystem } from './store.js';
import { SYSTEM_SCOPES } from './tokens.js';

/** What onboarding asks for; everything but `agencyCode` has a default. */
export interface SystemRegistration {
  agencyCode: string;
  clientId?: string;
  name?: string;
  /** Public keys for private_key_jwt (else the certificate's key, else one the portal issues). */
  jwks?: { keys: JWK[] };
  /** PEM chain, leaf first, issued by the test PKI's government CA. */
  certificatePem?: string;
  clientSecret?: string;
  callbackBaseUrl?: string;
  dvcqgUsername?: string;
  dvcqgPassword?: string;
  redirectUris?: string[];
  scopes?: string[];
  /** Issue a key and a government-CA certificate for the system (default: when neither jwks nor certificatePem is given). */
  issueCertificate?: boolean;
}

/** The credentials the portal hands to a registered system (shown once). */
export interface SystemCredentials {
  clientId: string;
  agencyCode: string;
  clientSecret: string;
  dvcqgUsername: string;
  dvcqgPassword: string;
  tokenEndpoint: string;
  /** Present when the portal issued the key. */
  privateKeyPem?: string;
  certificatePem?: string;
  chainPem?: string[];
  /** Roots that verify the portal's own signatures. */
  trustAnchorsPem: string[];
}

const AGENCY = /^\d{3}\.\d{2}\.\d{2}\.[A-K]\d{2}$/;
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function fail(message: string): MockPortalError {
  return new MockPortalError('MOCK_SYSTEM_INVALID', message);
}

/** Registers an agency system (what the portal's onboarding does) and answers its credentials. */
export async function registerSystem(input: SystemRegistration, ctx: { store: PortalStore; pki: TestPki; clock: Clock; tokenEndpoint: string }): Promise<SystemCredentials> {
  if (!input || typeof input !== 'object') throw fail('the registration must be a JSON object');
  if (typeof input.agencyCode !== 'string' || !AGENCY.test(input.agencyCode)) throw fail(`agencyCode must be an agency identifier code NNN.NN.NN.XNN (000.00.00.H56), got ${JSON.stringify(input.agencyCode)}`);
  const clientId = input.clientId ?? `sys-${input.agencyCode.replace(/\./g, '')}-${randomBytes(3).toString('hex')}`;
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) throw fail('clientId must be 1–100 characters of A–Z a–z 0–9 . _ : -');
  if (ctx.store.systems.has(clientId)) throw new MockPortalError('MOCK_SYSTEM_EXISTS', `a system with clientId ${clientId} is already registered`);
  if (input.jwks !== undefined && (!input.jwks || !Array.isArray(input.jwks.keys))) throw fail('jwks must be a JWK set {"keys": [...]}');
  if (input.certificatePem !== undefined) {
    try {
      new X509Certificate(input.certificatePem);
    } catch (e) {
      throw fail(`certificatePem is not a PEM certificate: ${(e as Error).message}`);
    }
  }
  if (input.callbackBaseUrl !== undefined) {
    try {
      const u = new URL(input.callbackBaseUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw fail(`callbackBaseUrl must be an http(s) URL, got ${JSON.stringify(input.callbackBaseUrl)}`);
    }
  }
  const redirectUris = input.redirectUris ?? [];
  if (!Array.isArray(redirectUris) || redirectUris.some((u) => typeof u !== 'string' || !URL.canParse(u))) throw fail('redirectUris must be absolute URLs');
  const scopes = input.scopes ?? [...SYSTEM_SCOPES];
  const unknown = scopes.filter((s) => !(SYSTEM_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) throw fail(`unknown scopes: ${unknown.join(' ')}`);
  const dvcqgUsername = input.dvcqgUsername ?? clientId;
  if (ctx.store.systemByDvcqgUsername(dvcqgUsername)) throw new MockPortalError('MOCK_SYSTEM_EXISTS', `dvcqg username ${dvcqgUsername} is taken`);

  const credentials: Partial<SystemCredentials> = {};
  let certificatePem = input.certificatePem;
  if (input.issueCertificate ?? (input.jwks === undefined && input.certificatePem === undefined)) {
    const party = await ctx.pki.issueEndEntity({ subject: { commonName: input.name ?? clientId, organization: input.agencyCode, country: 'VN' }, issuer: 'governmentCa' });
    certificatePem = party.chainPem.join('\n');
    credentials.privateKeyPem = party.privateKeyPem;
    credentials.certificatePem = party.certificatePem;
    credentials.chainPem = party.chainPem;
  }
  const system: RegisteredSystem = {
    clientId,
    agencyCode: input.agencyCode,
    name: input.name ?? clientId,
    jwks: input.jwks,
    certificatePem,
    clientSecret: input.clientSecret ?? randomBytes(18).toString('base64url'),
    callbackBaseUrl: input.callbackBaseUrl?.replace(/\/$/, ''),
    dvcqgUsername,
    dvcqgPassword: input.dvcqgPassword ?? randomBytes(12).toString('base64url'),
    redirectUris,
    scopes,
    createdAt: vietnamIso(ctx.clock.now()),
  };
  ctx.store.commit({ t: 'system', system });
  return {
    clientId,
    agencyCode: system.agencyCode,
    clientSecret: system.clientSecret!,
    dvcqgUsername,
    dvcqgPassword: system.dvcqgPassword!,
    tokenEndpoint: ctx.tokenEndpoint,
    ...credentials,
    trustAnchorsPem: ctx.pki.trustAnchors,
  };
}

/** A system as the admin API lists it (no secrets). */
export function publicView(s: RegisteredSystem): Record<string, unknown> {
  return {
    clientId: s.clientId, agencyCode: s.agencyCode, name: s.name, callbackBaseUrl: s.callbackBaseUrl ?? null, dvcqgUsername: s.dvcqgUsername ?? null,
    redirectUris: s.redirectUris, scopes: s.scopes, hasJwks: Boolean(s.jwks), hasCertificate: Boolean(s.certificatePem), createdAt: s.createdAt,
  };
}
