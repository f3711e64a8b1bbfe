// What verification (AuditService) expects of the chains: heads that records outside them name.
import type { HeadReads, WitnessedHeads } from './witnessed-heads';

export type Source =
  { kind: 'checkpoint' } | { kind: 'witness' } | { kind: 'report'; reportId: string; reference: string };

export type BrokenReport = { reportId: string; reference: string; seq: number; chain?: string };

/**
 * Above every place a head can name: places are `integer` columns (a larger bound is an error on
 * Postgres, which types the parameter as the column).
 */
export const LAST_PLACE = 2_147_483_647;

/** Report heads read per statement while a chain is walked. */
export const HEAD_PAGE = 1000;

/** The report heads of every chain of one verification, each fed to the expectations as its chain is walked. */
export class ReportHeadFeeds {
  checked = 0;

  constructor(
    private readonly q: HeadReads,
    private readonly heads: WitnessedHeads,
    private readonly expectations: Expectations,
    /** The name the expectations give the old global chain (whose heads name no chain). */
    private readonly legacyChain: string,
    private readonly pageSize = HEAD_PAGE,
  ) {}

  chains(): Promise<Array<string | null>> {
    return this.heads.chains(this.q);
  }

  /** The feed of `chain` (null: the old global chain). */
  of(chain: string | null): ReportHeadFeed {
    let after = 0;
    let reached = 0;
    const name = chain ?? this.legacyChain;
    // Up to `through` only: the heads a page of entries needs, seen (and garbage) before the next page.
    const upTo = async (through: number) => {
      for (;;) {
        const page = await this.heads.page(this.q, chain, after, through, this.pageSize);
        for (const h of page) {
          const seq = Number(h.audit_head_seq);
          this.expectations.add(name, seq, h.audit_head_hash, {
            kind: 'report',
            reportId: h.id,
            reference: h.reference,
          });
          after = seq;
        }
        this.checked += page.length;
        if (page.length < this.pageSize) break;
      }
      reached = through;
    };
    return {
      through: (seq) => (seq > reached ? upTo(seq) : Promise.resolve()),
      rest: () => upTo(LAST_PLACE),
    };
  }
}

/**
 * One chain's report heads, added to the expectations a page at a time: before the walk checks the
 * entries up to a place (`through`), and the rest once it has ended (`rest`), so they are unmet then.
 */
export interface ReportHeadFeed {
  through(seq: number): Promise<void>;
  rest(): Promise<void>;
}

/**
 * Heads something outside a chain names (a checkpoint, the witness file, a report), checked while the
 * chain is walked: the chain must reach each place and hold the same hash there.
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
