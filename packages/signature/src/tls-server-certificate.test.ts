import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from './certificate.js';
import { SignatureInputError } from './errors.js';
import { createTestPki, type TestParty, type TestPki } from './test-pki.js';

let pki: TestPki;
let server: Server;
let port: number;
let tlsParty: TestParty;

beforeAll(async () => {
  pki = await createTestPki({ serve: false });
  tlsParty = await pki.issueEndEntity({
    subject: { commonName: 'dichvucong.thanhhoa.gov.vn' },
    issuer: 'publicCa',
    subjectAltNames: { dns: ['dichvucong.thanhhoa.gov.vn', 'localhost'], ip: ['127.0.0.1', '::1'] },
  });
  server = createServer({ cert: tlsParty.chainPem.join('\n'), key: tlsParty.privateKeyPem }, (socket) => socket.end('hello'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.close();
  await pki?.close();
});

/** Connect as a TLS client trusting only the test root; resolves with the greeting or rejects with the TLS error. */
function handshake(servername: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: pki.trustAnchors, ...(servername !== undefined ? { servername } : {}) });
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('issueEndEntity with subjectAltNames (a TLS server certificate)', () => {
  it('carries dNSName and iPAddress names, serverAuth and TLS key usages', () => {
    const cert = parseCertificate(tlsParty.certificatePem);
    expect(cert.x509.subjectAltName).toBe('DNS:dichvucong.thanhhoa.gov.vn, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(cert.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect([...cert.keyUsage!]).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(cert.x509.checkHost('dichvucong.thanhhoa.gov.vn')).toBe('dichvucong.thanhhoa.gov.vn');
    expect(cert.x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('a client trusting the test root connects by host name', async () => {
    await expect(handshake('dichvucong.thanhhoa.gov.vn')).resolves.toBe('hello');
  });

  it('a client trusting the test root connects by IP address', async () => {
    // No SNI for an IP: node checks the IP against the iPAddress names.
    await expect(handshake(undefined)).resolves.toBe('hello');
  });

  it('a host name the certificate does not carry fails the handshake', async () => {
    await expect(handshake('dichvucong.nghean.gov.vn')).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('a client that does not trust the test root fails the handshake', async () => {
    await expect(
      new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, servername: 'localhost' }, () => resolve('connected'));
        socket.on('error', reject);
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED|UNABLE_TO_VERIFY/) });
  });

  it('issues a self-signed server certificate that a client trusting the test root refuses, and one trusting it accepts', async () => {
    const self = await pki.issueEndEntity({ subject: { commonName: 'localhost' }, subjectAltNames: { dns: ['localhost'] }, selfSigned: true });
    const cert = parseCertificate(self.certificatePem);
    expect(cert.selfIssued).toBe(true);
    expect(cert.crlUrls).toEqual([]);
    expect(self.chainPem).toEqual([self.certificatePem]);
    const other = createServer({ cert: self.certificatePem, key: self.privateKeyPem }, (socket) => socket.end('self'));
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    const otherPort = (other.address() as AddressInfo).port;
    const connectTo = (ca: string[]) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: otherPort, servername: 'localhost', ca });
        let data = '';
        socket.on('data', (c: Buffer) => (data += c.toString()));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
    try {
      await expect(connectTo(pki.trustAnchors)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      await expect(connectTo([self.certificatePem])).resolves.toBe('self');
    } finally {
      other.close();
    }
  });

  it('refuses names that are not DNS names or IP addresses with a typed error', async () => {
    await expect(pki.issueEndEntity({ subject: { commonName: 'x' }, subjectAltNames: { dns: ['bad name!'] } })).rejects.toBeInstanceOf(SignatureInputError);
    await expect(pki.issueEndEntity({ subject: { commonName: 'x' }, subjectAltNames: { ip: ['300.1.1.1'] } })).rejects.toBeInstanceOf(SignatureInputError);
  });

  it('keeps the signing defaults when no names are given', async () => {
    const p = await pki.issueEndEntity({ subject: { commonName: 'Signer' } });
    const cert = parseCertificate(p.certificatePem);
    expect(cert.x509.subjectAltName).toBeUndefined();
    expect([...cert.keyUsage!]).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(cert.extKeyUsage).toBeUndefined();
  });
});
