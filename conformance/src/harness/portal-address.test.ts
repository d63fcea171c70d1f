import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli-main.js';
import { parseConfig } from '../config.js';
import { UsageError } from '../errors.js';
import { LOOPBACK_PORTAL, parseListen, portalCertificateNames, portalResolveRules, resolvePortalAddress } from './portal-address.js';

describe('parseListen', () => {
  it('reads an IP address with or without a port, IPv6 in brackets', () => {
    expect(parseListen('0.0.0.0:8443', 'portal-listen')).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(parseListen('127.0.0.2', 'portal-listen')).toEqual({ host: '127.0.0.2' });
    expect(parseListen('[::]:8443', 'portal-listen')).toEqual({ host: '::', port: 8443 });
    expect(parseListen('::1', 'portal-listen')).toEqual({ host: '::1' });
  });

  it('refuses what is not <IP address>[:<port>], naming the option', () => {
    for (const bad of ['', 'localhost:8443', 'conformance.example.gov.vn', '0.0.0.0:', '0.0.0.0:0', '0.0.0.0:65536', '0.0.0.0:84a3', '300.1.1.1:80', '[::]:', '[0.0.0.0]x', 'http://0.0.0.0:8443']) {
      expect(() => parseListen(bad, 'portal-listen'), bad).toThrow(UsageError);
      expect(() => parseListen(bad, 'pki-listen'), bad).toThrow(/--pki-listen must be <IP address>\[:<port>\]/);
    }
  });
});

describe('resolvePortalAddress', () => {
  it('is today\'s loopback run when no option is given', () => {
    expect(resolvePortalAddress({})).toBe(LOOPBACK_PORTAL);
    expect(portalCertificateNames(LOOPBACK_PORTAL)).toEqual({ dns: ['localhost'], ip: ['127.0.0.1', '::1'] });
    expect(portalResolveRules(LOOPBACK_PORTAL)).toEqual([]);
  });

  it('listens on the URL\'s port and serves the PKI on the next one, under the same host name', () => {
    const a = resolvePortalAddress({ portalListen: '0.0.0.0', portalUrl: 'https://Conformance.Example.gov.vn:8443/' });
    expect(a).toEqual({
      listen: { host: '0.0.0.0', port: 8443 },
      url: 'https://conformance.example.gov.vn:8443',
      pkiListen: { host: '0.0.0.0', port: 8444 },
      pkiUrl: 'http://conformance.example.gov.vn:8444',
    });
    expect(portalCertificateNames(a)).toEqual({ dns: ['localhost', 'conformance.example.gov.vn'], ip: ['127.0.0.1', '::1'] });
    // The public name need not resolve on the suite's machine: the suite calls its portal at the listen address.
    expect(portalResolveRules(a)).toEqual([{ host: 'conformance.example.gov.vn', port: 8443, address: '127.0.0.1' }]);
    expect(resolvePortalAddress({ portalListen: '0.0.0.0', portalUrl: 'https://conformance.example.gov.vn' }).listen.port).toBe(443);
  });

  it('puts an IP address of the URL in the certificate as an IP name, and takes explicit PKI settings', () => {
    const a = resolvePortalAddress({ portalListen: '127.0.0.2:9443', portalUrl: 'https://127.0.0.2:9443', pkiListen: '127.0.0.2:9000', pkiUrl: 'http://127.0.0.2:9000' });
    expect(a.pkiListen).toEqual({ host: '127.0.0.2', port: 9000 });
    expect(a.pkiUrl).toBe('http://127.0.0.2:9000');
    expect(portalCertificateNames(a)).toEqual({ dns: ['localhost'], ip: ['127.0.0.1', '::1', '127.0.0.2'] });
    expect(portalResolveRules(a)).toEqual([]);
    // A --pki-url without --pki-listen: the PKI listens on that URL's port, on the portal's address.
    expect(resolvePortalAddress({ portalListen: '0.0.0.0:8443', portalUrl: 'https://203.0.113.7:8443', pkiUrl: 'http://pki.example.gov.vn:8080' }).pkiListen).toEqual({ host: '0.0.0.0', port: 8080 });
    // A port forward in front (public 443, local 8443): the suite calls the public URL like the system.
    expect(portalResolveRules(resolvePortalAddress({ portalListen: '0.0.0.0:8443', portalUrl: 'https://conformance.example.gov.vn' }))).toEqual([]);
  });

  it('binds another interface without a URL: the system is told the server\'s own address', () => {
    const a = resolvePortalAddress({ portalListen: '127.0.0.2' });
    expect(a).toEqual({ listen: { host: '127.0.0.2', port: 0 }, pkiListen: { host: '127.0.0.2', port: 0 } });
    expect(portalCertificateNames(a).ip).toContain('127.0.0.2');
  });

  it('takes http:// for the portal only with --plain-http, and http:// only for the PKI', () => {
    expect(resolvePortalAddress({ portalListen: '0.0.0.0', portalUrl: 'http://10.0.0.5:8080', plainHttp: true }).url).toBe('http://10.0.0.5:8080');
    expect(() => resolvePortalAddress({ portalListen: '0.0.0.0', portalUrl: 'http://10.0.0.5:8080' })).toThrow(/--portal-url must be an https:\/\/ URL \(the portal serves HTTPS/);
    expect(() => resolvePortalAddress({ portalListen: '0.0.0.0', portalUrl: 'https://10.0.0.5:8443', plainHttp: true })).toThrow(/--portal-url must be an http:\/\/ URL \(the run uses --plain-http/);
    expect(() => resolvePortalAddress({ portalListen: '0.0.0.0', portalUrl: 'https://10.0.0.5:8443', pkiUrl: 'https://10.0.0.5:8444' })).toThrow(/--pki-url must be an http:\/\/ URL/);
  });

  it('refuses URLs that are not a portal origin', () => {
    for (const bad of ['conformance.example.gov.vn:8443', 'ftp://conformance.example.gov.vn', 'https://conformance.example.gov.vn:8443/portal', 'https://a:b@conformance.example.gov.vn', 'https://conformance.example.gov.vn/?x=1', 'https://conformance.example.gov.vn/#top']) {
      expect(() => resolvePortalAddress({ portalListen: '0.0.0.0', portalUrl: bad }), bad).toThrow(/--portal-url must be an http\(s\) URL naming only a host and port/);
    }
  });

  it('refuses a URL the system could not reach at the listen address', () => {
    // Default listen 127.0.0.1: a vendor's server cannot reach it.
    expect(() => resolvePortalAddress({ portalUrl: 'https://conformance.example.gov.vn:8443' })).toThrow(/cannot reach a server bound to 127\.0\.0\.1, a loopback address: .*--portal-listen 0\.0\.0\.0:8443/);
    expect(() => resolvePortalAddress({ portalListen: '127.0.0.2', portalUrl: 'https://127.0.0.1:8443' })).toThrow(/cannot reach a server bound to 127\.0\.0\.2/);
    expect(() => resolvePortalAddress({ portalListen: '10.0.0.5', portalUrl: 'https://localhost:8443' })).toThrow(/cannot reach a server bound to 10\.0\.0\.5/);
    expect(() => resolvePortalAddress({ portalListen: '0.0.0.0:8443', portalUrl: 'https://conformance.example.gov.vn:8443', pkiListen: '127.0.0.1' })).toThrow(/--pki-url http:\/\/conformance\.example\.gov\.vn:8444 cannot reach a server bound to 127\.0\.0\.1/);
    expect(resolvePortalAddress({ portalUrl: 'https://localhost:8443' }).listen).toEqual({ host: '127.0.0.1', port: 8443 });
  });

  it('refuses a wildcard binding without a URL to tell the system', () => {
    expect(() => resolvePortalAddress({ portalListen: '0.0.0.0:8443' })).toThrow(/binds every interface, but the system needs one address to call: add --portal-url/);
    expect(() => resolvePortalAddress({ pkiListen: '[::]:8444' })).toThrow(/binds every interface, but the certificates need one URL for it: add --pki-url/);
    expect(() => resolvePortalAddress({ portalListen: '0.0.0.0:65535', portalUrl: 'https://conformance.example.gov.vn:65535' })).toThrow(/port 65536 \(the portal's \+ 1\): give it a port with --pki-listen/);
  });
});

describe('dvc-conformance run: portal address options', () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: { CI: '1' } } };
  }

  it('documents the options in run --help', async () => {
    const t = io();
    expect(await runCli(['run', '--help'], t.io)).toBe(0);
    for (const flag of ['--portal-listen', '--portal-url', '--pki-listen', '--pki-url']) expect(t.out.join('')).toContain(flag);
  });

  it('answers bad values with exit 64 before starting anything, from flags and from the config file', async () => {
    const cases: [string[], RegExp][] = [
      [['--portal-listen', 'everywhere'], /--portal-listen must be <IP address>\[:<port>\]/],
      [['--portal-url', 'https://conformance.example.gov.vn:8443'], /cannot reach a server bound to 127\.0\.0\.1/],
      [['--portal-listen', '0.0.0.0:8443', '--portal-url', 'ftp://x.example'], /--portal-url must be an http\(s\) URL/],
      [['--portal-listen', '0.0.0.0:8443'], /add --portal-url/],
      [['--portal-listen', '0.0.0.0', '--portal-url', 'https://x.example.gov.vn', '--pki-url', 'https://x.example.gov.vn:8444'], /--pki-url must be an http:\/\/ URL/],
    ];
    for (const [flags, message] of cases) {
      const t = io();
      expect(await runCli(['run', '--target', 'https://dichvucong.thanhhoa.gov.vn', ...flags], t.io), flags.join(' ')).toBe(64);
      expect(t.err.join(''), flags.join(' ')).toMatch(message);
      expect(t.err.join('')).toMatch(/\[ERR_USAGE\]/);
    }
    const dir = await mkdtemp(join(tmpdir(), 'dvc-conformance-address-'));
    try {
      const path = join(dir, 'conformance.yaml');
      await writeFile(path, 'target: https://dichvucong.thanhhoa.gov.vn\nportalListen: 127.0.0.1\nportalUrl: https://conformance.example.gov.vn:8443\n');
      const t = io();
      expect(await runCli(['run', '--config', path], t.io)).toBe(64);
      expect(t.err.join('')).toMatch(/--portal-url https:\/\/conformance\.example\.gov\.vn:8443 cannot reach a server bound to 127\.0\.0\.1/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the four keys from a config file, as strings', () => {
    expect(parseConfig({ portalListen: '0.0.0.0:8443', portalUrl: 'https://a.example', pkiListen: '0.0.0.0:8444', pkiUrl: 'http://a.example:8444' })).toEqual({
      portalListen: '0.0.0.0:8443', portalUrl: 'https://a.example', pkiListen: '0.0.0.0:8444', pkiUrl: 'http://a.example:8444',
    });
    expect(() => parseConfig({ portalListen: 8443 })).toThrow(/"portalListen" must be a string/);
  });
});
