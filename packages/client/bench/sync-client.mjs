// The bulk-sync half of the bench, in its own plain-node process (no TypeScript loader), so the
// peak RSS it reports is what the built client needs to sync, and nothing else.
import { createTestPki } from '@dvc-kit/signature';
import { createNationalPortalClient, fileCheckpoint } from '@dvc-kit/client';
import { schemaExamples } from '@dvc-kit/spec';

const [url, countText, batchText, concurrencyText, checkpointPath] = process.argv.slice(2);
const count = Number(countText);

// The spec's Dossier example, cut to the fields a status sync carries.
const { MaTTHC, TenTTHC, KenhThucHien, ChuHoSo, LoaiDoiTuong, DinhDanhCHS, NgayTiepNhan, NgayHenTra } = schemaExamples('national-portal', 'Dossier')[0];

function* generateDossiers(n) {
  for (let i = 0; i < n; i++) {
    yield { MaHoSo: `000.00.06.H56-231027-${String(i).padStart(7, '0')}`, MaTTHC, TenTTHC, KenhThucHien, ChuHoSo, LoaiDoiTuong, DinhDanhCHS, NgayTiepNhan, NgayHenTra, TrangThaiHoSo: '2' };
  }
}

const pki = await createTestPki({ serve: false });
const client = createNationalPortalClient({
  baseUrl: url,
  auth: { getCredential: async () => ({ type: 'bearer', token: 'bench-token', expiresAt: Date.now() + 3_600_000 }), invalidate: () => undefined },
  signer: { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem },
});
const rssBefore = process.memoryUsage.rss();
let peakRss = rssBefore;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 20);
const t0 = performance.now();
const summary = await client.syncDossiers(generateDossiers(count), { batchSize: Number(batchText), concurrency: Number(concurrencyText), ...(checkpointPath ? { checkpoint: fileCheckpoint(checkpointPath) } : {}) });
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
// maxRSS is the kernel's high-water mark for the process (it catches what sampling misses).
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
await client.close();
await pki.close?.();
process.send({ seconds, summary, peakRss, rssBefore });
process.disconnect();
