import { describe, expect, it } from 'vitest';
import { Catalogue } from './catalogue.js';
import { SeededRandom } from './random.js';
import { seedStore } from './seed.js';
import { PortalStore } from './store.js';

describe('seeded data', () => {
  const seeded = (seed: string) => {
    const store = new PortalStore();
    seedStore(store, new Catalogue(), new SeededRandom(seed));
    return [...store.feedback.values()];
  };

  it('is the same for the same seed and differs for another', () => {
    expect(seeded('a')).toEqual(seeded('a'));
    expect(seeded('a')).not.toEqual(seeded('b'));
  });

  it('is realistic: feedback on catalogue procedures, assigned to real agency codes', () => {
    const items = seeded('x');
    expect(items).toHaveLength(12);
    for (const f of items) {
      expect(f.MaPhanAnh).toMatch(/^PA-\d{8}-\d{4}$/);
      expect(f.MaCoQuanXuLy).toMatch(/^\d{3}\.\d{2}\.\d{2}\.H\d{2}$/);
      expect(f.NgayGui).toMatch(/^2025\d{10}$/);
    }
  });
});
