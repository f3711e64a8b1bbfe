// What verification (AuditService) checks beside its walk: the heads that records outside the chains name.
import { TimeSlices } from './time-slices';
import type { HeadReads, WitnessedHeads } from './witnessed-heads';

export type Source = { kind: 'checkpoint' } | { kind: 'witness' };

/** A report whose head its chain does not hold (another hash there, or the chain ends before it). */
export type BrokenReport = { reportId: string; reference: string; seq: number; chain: string };

/**
 * Above every place a head can name: places are `integer` columns (a larger bound is an error on
 * Postgres, which types the parameter as the column).
 */
export const LAST_PLACE = 2_147_483_647;

/** Report heads read per statement while a chain is walked. */
export const HEAD_PAGE = 1000;

/**
 * The heads submitted reports carry, checked chain by chain as the walk verifies its entries: each
 * against the hash of the verified entry at its place, a statement of at most `pageSize` heads at a
 * time, so nothing is held but the misses, however many reports name the same place. Between pages it
 * gives way to other work as the walk does (TimeSlices): many heads at one place are read in one burst.
 */
export class ReportHeadFeeds {
  checked = 0;
  readonly broken: BrokenReport[] = [];
  private readonly slices = new TimeSlices();

  constructor(
    private readonly q: HeadReads,
    private readonly heads: WitnessedHeads,
    /** The name verification gives the old global chain (whose heads name no chain). */
    private readonly legacyChain: string,
    private readonly pageSize = HEAD_PAGE,
  ) {}

  chains(): Promise<Array<string | null>> {
    return this.heads.chains(this.q);
  }

  /** What verification answers of them: how many were checked, and the broken ones. */
  result(): { checked: number; broken: Array<Omit<BrokenReport, 'chain'>> } {
    return { checked: this.checked, broken: this.broken.map(({ chain: _, ...b }) => b) };
  }

  /** The feed of `chain` (null: the old global chain). */
  of(chain: string | null): ReportHeadFeed {
    // Keyset over (place, report id): several reports may carry the same head.
    let afterSeq = 0;
    let afterId = '';
    let through = 0;
    // A new map per page, not clear(): V8 gives a cleared (or grown) map its new table in the
    // generation of the old one and links the old table to it (for live iterators). Once this map's
    // table had reached the old generation (held through a long burst of heads), every later page's
    // tables were made there, each linked from the one before, and kept with their hashes until a full
    // GC: that grew the service by 180-200 MB over a 9-million-entry walk (issue 19).
    let verified = new Map<number, string>();
    const name = chain ?? this.legacyChain;
    const each = async (upTo: number, judge: (seq: number, hash: string) => boolean) => {
      for (;;) {
        const page = await this.heads.page(this.q, chain, afterSeq, afterId, upTo, this.pageSize);
        for (const h of page) {
          const seq = Number(h.audit_head_seq);
          if (!judge(seq, h.audit_head_hash))
            this.broken.push({ reportId: h.id, reference: h.reference, seq, chain: name });
          [afterSeq, afterId] = [seq, h.id];
        }
        this.checked += page.length;
        if (page.length < this.pageSize) return;
        if (this.slices.due()) await this.slices.yield();
      }
    };
    const check = async () => {
      await each(through, (seq, hash) => verified.get(seq) === hash);
      verified = new Map();
    };
    return {
      see: (seq, hash) => {
        verified.set(seq, hash);
        through = seq;
      },
      check,
      rest: async () => {
        await check();
        await each(LAST_PLACE, () => false);
      },
    };
  }
}

/**
 * One chain's report heads, beside its walk. `see`: an entry the walk has verified (in place order).
 * `check`: the heads up to the last place seen, each against the entry seen there (call it once a page,
 * so only a page of entries is held). `rest`: those, then the heads beyond, once the walk has ended (or
 * broken): each one unmet.
 */
export interface ReportHeadFeed {
  see(seq: number, hash: string): void;
  check(): Promise<void>;
  rest(): Promise<void>;
}

/**
 * Heads something outside a chain names (a checkpoint, the witness file), checked while the chain is
 * walked: the chain must reach each place and hold the same hash there (report heads: ReportHeadFeeds).
 */
export class Expectations {
  private readonly byChain = new Map<string, Map<number, Array<{ hash: string; source: Source }>>>();
  private readonly misses: Array<{ chain: string; seq: number; reason: 'beyond' | 'other'; source: Source }> = [];

  add(chain: string, seq: number, hash: string, source: Source): void {
    let m = this.byChain.get(chain);
    if (!m) this.byChain.set(chain, (m = new Map()));
    const list = m.get(seq) ?? [];
    list.push({ hash, source });
    m.set(seq, list);
  }

  chains(): string[] {
    return [...this.byChain.keys()];
  }

  see(chain: string, seq: number, hash: string): void {
    const m = this.byChain.get(chain);
    const list = m?.get(seq);
    if (!list) return;
    for (const x of list) if (x.hash !== hash) this.misses.push({ chain, seq, reason: 'other', source: x.source });
    m!.delete(seq);
  }

  /** The chain ended (or broke) after `last`: what it did not reach is unmet. */
  end(chain: string, last: number): void {
    const m = this.byChain.get(chain);
    if (!m) return;
    for (const [seq, list] of m)
      for (const x of list) this.misses.push({ chain, seq, reason: seq > last ? 'beyond' : 'other', source: x.source });
    this.byChain.delete(chain);
  }

  unmet() {
    return this.misses;
  }
}
