/** A throwaway PKI for the mTLS tests: a CA, a server certificate for 127.0.0.1 and a client certificate. */
import 'reflect-metadata';
import { webcrypto, createPrivateKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// @peculiar/x509 is typed against the DOM's WebCrypto types, which this Node-only project does not load.
type X509Crypto = Parameters<typeof x509.cryptoProvider.set>[0];
type X509KeyPair = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
type X509Key = X509KeyPair['privateKey'];

x509.cryptoProvider.set(webcrypto as unknown as X509Crypto);

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TestPki {
  caPem: string;
  server: { certPem: string; keyPem: string };
  client: { certPem: string; keyPem: string };
  /** A client certificate from a CA the server does not trust. */
  stranger: { certPem: string; keyPem: string };
}

export async function createTestPki(): Promise<TestPki> {
  const ca = await selfSignedCa('CN=dvc-kit test CA');
  const other = await selfSignedCa('CN=untrusted CA');
  return {
    caPem: ca.cert.toString('pem'),
    server: await issue(ca, 'CN=127.0.0.1', [
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ]),
    client: await issue(ca, 'CN=H01.SYS,O=UBND tinh Ha Giang', [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ]),
    stranger: await issue(other, 'CN=stranger', [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]),
  };
}

interface Ca {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

async function selfSignedCa(name: string): Promise<Ca> {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys: keys as unknown as X509KeyPair,
    signingAlgorithm: alg,
    notBefore: new Date(Date.now() - 60_000),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { cert, keys };
}

async function issue(ca: Ca, subject: string, extensions: x509.Extension[]): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey as unknown as X509Key,
    signingKey: ca.keys.privateKey as unknown as X509Key,
    signingAlgorithm: alg,
    notBefore: new Date(Date.now() - 60_000),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      ...extensions,
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }) as string;
  return { certPem: cert.toString('pem'), keyPem };
}
