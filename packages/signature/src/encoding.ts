import { CertificateError } from './errors.js';

export function base64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}

export function fromBase64url(text: string): Buffer {
  return Buffer.from(text, 'base64url');
}

/** Strict base64url: Node's decoder skips junk silently, so check the alphabet first. */
export function isBase64url(text: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(text);
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every DER block with the given label in a PEM text (a bundle may hold several). */
export function pemBlocks(pem: string, label: string): Buffer[] {
  const blocks: Buffer[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    if (m[1] === label) blocks.push(Buffer.from((m[2] ?? '').replace(/\s+/g, ''), 'base64'));
  }
  return blocks;
}

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A certificate given as PEM, base64 DER (as in `x5c`) or DER bytes, to DER. */
export function certificateToDer(input: string | Uint8Array): Buffer {
  if (typeof input !== 'string') return Buffer.from(input);
  if (input.includes('-----BEGIN')) {
    const [der] = pemBlocks(input, 'CERTIFICATE');
    if (!der) throw new CertificateError('expected a PEM block "-----BEGIN CERTIFICATE-----", found none');
    return der;
  }
  const compact = input.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(compact)) {
    throw new CertificateError('expected a certificate as PEM or base64 DER, found neither');
  }
  return Buffer.from(compact, 'base64');
}

export function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
