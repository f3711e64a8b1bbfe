import { LAST_PLACE, ReportHeadFeeds } from '../../../src/audit/expectations';
import { SLICE_MS } from '../../../src/audit/time-slices';
import { WitnessedHeads, type HeadReads, type WitnessedHead } from '../../../src/audit/witnessed-heads';

/** Report heads in memory, paged as ReportHeads pages them (by place, then id); it records each page asked. */
class MemoryHeads extends WitnessedHeads {
  readonly asked: Array<{ chain: string | null; through: number; rows: number }> = [];
  constructor(private readonly all: WitnessedHead[]) {
    super();
  }
  page(_r: HeadReads, chain: string | null, afterSeq: number, afterId: string, through: number, limit: number) {
    const seq = (h: WitnessedHead) => Number(h.audit_head_seq);
    const rows = this.all
      .filter((h) => h.audit_head_chain === chain && seq(h) <= through)
      .filter((h) => seq(h) > afterSeq || (seq(h) === afterSeq && h.id > afterId))
      .sort((a, b) => seq(a) - seq(b) || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
    this.asked.push({ chain, through, rows: rows.length });
    return Promise.resolve(rows);
  }
  chains() {
    return Promise.resolve([...new Set(this.all.map((h) => h.audit_head_chain))]);
  }
}

const reads: HeadReads = { query: () => Promise.reject(new Error('not used')) };
const hashAt = (chain: string, seq: number) => `${chain}:${seq}`;
let n = 0;
const head = (chain: string | null, seq: number, hash = hashAt(chain ?? 'global', seq)): WitnessedHead => ({
  id: `r-${String(++n).padStart(4, '0')}`,
  reference: `R-${n}`,
  audit_head_chain: chain,
  audit_head_seq: seq,
  audit_head_hash: hash,
});

describe('ReportHeadFeeds: report heads checked page by page beside the walk', () => {
  it('checks every head once (many at one place too), reads none past the walk, names the broken ones', async () => {
    // Chain "c" walked to place 100, in pages of 7: heads every third place up to 120 (those past 100
    // beyond the walk), one with another hash, and 25 reports carrying the same head at place 50 (more
    // than a page of 4 heads); two heads in the old global chain, walked to 10.
    const forged = head('c', 33, 'forged');
    const heads = [
      ...Array.from({ length: 40 }, (_, i) => (i === 10 ? forged : head('c', 3 * (i + 1)))),
      ...Array.from({ length: 25 }, () => head('c', 50)),
      head(null, 2),
      head(null, 5),
    ];
    const memory = new MemoryHeads(heads);
    const feeds = new ReportHeadFeeds(reads, memory, 'global', 4);
    expect(await feeds.chains()).toEqual(['c', null]);

    const feed = feeds.of('c');
    for (let first = 1; first <= 100; first += 7) {
      const last = Math.min(first + 6, 100);
      for (let seq = first; seq <= last; seq++) feed.see(seq, hashAt('c', seq));
      await feed.check();
    }
    await feed.rest();
    const legacy = feeds.of(null);
    for (let seq = 1; seq <= 10; seq++) legacy.see(seq, hashAt('global', seq));
    await legacy.rest();

    expect(feeds.checked).toBe(40 + 25 + 2);
    expect(feeds.broken.map((b) => [b.chain, b.seq, b.reportId])).toEqual([
      ['c', 33, forged.id],
      ...heads
        .filter((h) => h.audit_head_chain === 'c' && Number(h.audit_head_seq) > 100)
        .map((h) => ['c', Number(h.audit_head_seq), h.id]),
    ]);
    // While walking, no page asked beyond the walk's place, and none held more than a page of heads.
    const whileWalking = memory.asked.filter((a) => a.chain === 'c' && a.through !== LAST_PLACE);
    expect(Math.max(...whileWalking.map((a) => a.through))).toBe(100);
    expect(Math.max(...memory.asked.map((a) => a.rows))).toBe(4);
  });

  it('gives way to the event loop between pages when many heads share one place', async () => {
    // 20 pages of heads at place 5, each page's statement taking a time slice (as a SQLite statement
    // runs synchronously); a chain of setImmediate turns counts how often other work got to run.
    const pages = 20;
    const heads = Array.from({ length: pages * 4 }, () => head('slow', 5));
    class SlowHeads extends MemoryHeads {
      override page(r: HeadReads, chain: string | null, afterSeq: number, afterId: string, through: number, l: number) {
        const until = performance.now() + SLICE_MS;
        while (performance.now() < until); // the statement's own time, on the event loop
        return super.page(r, chain, afterSeq, afterId, through, l);
      }
    }
    const feeds = new ReportHeadFeeds(reads, new SlowHeads(heads), 'global', 4);
    let turns = 0;
    let counting = true;
    const turn = () => {
      turns++;
      if (counting) setImmediate(turn);
    };
    setImmediate(turn);
    const feed = feeds.of('slow');
    for (let seq = 1; seq <= 5; seq++) feed.see(seq, hashAt('slow', seq));
    await feed.check();
    counting = false;
    expect(feeds.checked).toBe(pages * 4);
    expect(feeds.broken).toEqual([]);
    // One turn at least per page read after the first (each page took a whole slice).
    expect(turns).toBeGreaterThanOrEqual(pages - 1);
  });
});
