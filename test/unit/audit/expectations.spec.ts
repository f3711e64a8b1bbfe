import { Expectations, LAST_PLACE, ReportHeadFeeds } from '../../../src/audit/expectations';
import { WitnessedHeads, type HeadReads, type WitnessedHead } from '../../../src/audit/witnessed-heads';

/** Report heads in memory, paged as ReportHeads pages them; it records every page asked for. */
class MemoryHeads extends WitnessedHeads {
  readonly asked: Array<{ chain: string | null; after: number; through: number }> = [];
  constructor(private readonly all: WitnessedHead[]) {
    super();
  }
  page(_r: HeadReads, chain: string | null, after: number, through: number, limit: number) {
    this.asked.push({ chain, after, through });
    const seq = (h: WitnessedHead) => Number(h.audit_head_seq);
    return Promise.resolve(
      this.all
        .filter((h) => h.audit_head_chain === chain && seq(h) > after && seq(h) <= through)
        .sort((a, b) => seq(a) - seq(b))
        .slice(0, limit),
    );
  }
  chains() {
    return Promise.resolve([...new Set(this.all.map((h) => h.audit_head_chain))]);
  }
}

const reads: HeadReads = { query: () => Promise.reject(new Error('not used')) };
const hashAt = (chain: string, seq: number) => `${chain}:${seq}`;
const head = (chain: string | null, seq: number, hash = hashAt(chain ?? 'global', seq)): WitnessedHead => ({
  id: `r-${chain}-${seq}`,
  reference: `R-${seq}`,
  audit_head_chain: chain,
  audit_head_seq: seq,
  audit_head_hash: hash,
});

describe('ReportHeadFeeds: report heads fed page by page beside the walk', () => {
  it('checks every head once, reads none beyond the page being walked, and names the broken ones', async () => {
    // Chain "c" walked to place 100; heads every third place up to 120 (so 34–40 lie beyond the walk),
    // one of them with another hash; and two heads in the old global chain.
    const heads = [
      ...Array.from({ length: 40 }, (_, i) => head('c', 3 * (i + 1), i === 10 ? 'forged' : undefined)),
      head(null, 2),
      head(null, 5),
    ];
    const memory = new MemoryHeads(heads);
    const expectations = new Expectations();
    const feeds = new ReportHeadFeeds(reads, memory, expectations, 'global', 4);
    expect(await feeds.chains()).toEqual(['c', null]);

    const feed = feeds.of('c');
    const walkPage = 7;
    for (let first = 1; first <= 100; first += walkPage) {
      const last = Math.min(first + walkPage - 1, 100);
      await feed.through(last);
      for (let seq = first; seq <= last; seq++) expectations.see('c', seq, hashAt('c', seq));
    }
    await feed.rest();
    expectations.end('c', 100);
    const legacy = feeds.of(null);
    await legacy.through(10);
    for (let seq = 1; seq <= 10; seq++) expectations.see('global', seq, hashAt('global', seq));
    await legacy.rest();
    expectations.end('global', 10);

    expect(feeds.checked).toBe(42);
    const unmet = expectations.unmet().map((m) => [m.chain, m.seq, m.reason]);
    expect(unmet).toEqual([
      ['c', 33, 'other'],
      ...[102, 105, 108, 111, 114, 117, 120].map((seq) => ['c', seq, 'beyond']),
    ]);
    // While walking, no page asked beyond the walk's place (the rest only once the walk ended).
    const whileWalking = memory.asked.filter((a) => a.chain === 'c' && a.through !== LAST_PLACE);
    expect(Math.max(...whileWalking.map((a) => a.through))).toBe(100);
    expect(whileWalking.length).toBeGreaterThan(100 / walkPage);
  });
});
