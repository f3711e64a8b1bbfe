import { CATEGORY_LABELS } from '../../../src/notifications/templates/labels';
import { loadCatalogue } from '../../../src/requirements';

describe('category labels in messages and reports', () => {
  const categories = loadCatalogue().categories;

  it.each(categories.map((c) => [c.code, c.name] as const))('%s is labelled with its taxonomy name', (code, name) => {
    expect(CATEGORY_LABELS[code]).toBeDefined();
    expect(CATEGORY_LABELS[code]!['zh-CN']).toBe(name.zh);
    // English labels run inside sentences, so they are lower-case; the words are the taxonomy's.
    expect(CATEGORY_LABELS[code]!.en).toBe(name.en.toLowerCase());
  });

  it('labels no category the taxonomy does not have', () => {
    expect(Object.keys(CATEGORY_LABELS).filter((code) => !categories.some((c) => c.code === code))).toEqual([]);
  });
});
