import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { EarlyWarningContext } from '../../workflows/early-warning/types';
import { AuditService } from '../audit';
import { AppConfig } from '../config';
import { Organisations } from '../accounts';
import type { Principal } from '../auth';
import { badField, nowIso, durationMs, DurationError } from '../common';
import { TransactionRunner } from '../database';
import { WorkflowRuntime } from '../engine';
import { createValidationPipe } from '../http';
import { Catalogue } from '../requirements';
import {
  indicatorValueProblem,
  normaliseIndicatorValue,
  importIndicators,
  type ImportedIndicator,
  type SkippedIndicator,
  readStixUpload,
} from '../sharing';
import { TaxiiPublisher, TaxiiSubscriptions } from '../taxii';
import { WarningEngine } from './warning-engine.service';
import { parseWarningEvent } from './warning-event.dto';
import {
  CreateWarningDto,
  type ListWarningChoicesQuery,
  type ListWarningTargetsQuery,
  type ListWarningsQuery,
} from './warning.dto';
import { answerCounts, targetPage } from './target-answers';
import { Warning, type WarningIndicator } from './warning.entity';
import { WarningTarget } from './warning-target.entity';
import {
  baseView,
  deadlineView,
  fanoutView,
  feedbackView,
  targetStatus,
  type DepartmentWarningView,
  type IssuedWarningView,
  type OperatorWarningView,
  type WarningPage,
  type WarningSummaryView,
  type WarningTargetPage,
  type WarningTargetsView,
} from './warning.view';

/** Bounds on an explicit feedback window: at least a second (tests use PT3S), at most 90 days. */
const MIN_WINDOW_MS = 1000;
const MAX_WINDOW_MS = 90 * 24 * 3600_000;

type ImportResult = ReturnType<typeof importIndicators>;

export interface StixImportReport {
  warningId: string;
  imported: number;
  added: WarningIndicator[];
  skipped: SkippedIndicator[];
  indicators: WarningIndicator[];
}

/**
 * Early warnings (预警, GB/T 39204-2022 9.3): a protection department warns operators of its own
 * sector; each operator assesses, acts and feeds back through its early-warning workflow. The
 * department sees only the warnings it issued, an operator only those addressed to it (404
 * otherwise).
 *
 * Targeting another sector is refused with a 400 naming the field (`sectors` or `operatorIds`),
 * not a 404: the caller's own request is wrong, and the message is the same for an unknown id and
 * an operator of another sector, so it does not reveal which organisations exist.
 */
@Injectable()
export class WarningsService {
  private readonly pipe = createValidationPipe();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly engine: WarningEngine,
    private readonly runtime: WorkflowRuntime,
    private readonly audit: AuditService,
    private readonly catalogue: Catalogue,
    private readonly organisations: Organisations,
    private readonly taxii: TaxiiPublisher,
    private readonly taxiiFeeds: TaxiiSubscriptions,
    private readonly config: AppConfig,
  ) {}

  async create(p: Principal, body: unknown): Promise<IssuedWarningView> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw badField('title', 'body must be a JSON object');
    // The STIX bundle is untrusted and possibly hostile: it never goes through class-transformer
    // (which recurses), only through the bounded, iterative STIX parser.
    const { stix, ...rest } = body as Record<string, unknown>;
    const dto = (await this.pipe.transform(rest, { type: 'body', metatype: CreateWarningDto })) as CreateWarningDto;
    const operators = await this.resolveTargets(p, dto);
    const { feedbackWithin, feedbackDueAt } = this.feedbackDue(dto);
    const indicators = this.manualIndicators(dto);
    await this.feedIndicators(p, dto, indicators);
    let stixImport: IssuedWarningView['stixImport'];
    if (stix !== undefined) {
      const bundle = readStixUpload(stix, 'stix');
      const result = honourTlp(importIndicators(bundle, { includeDrill: dto.drill ?? false }), {
        broadcast: (dto.sectors ?? []).length > 0,
      });
      const before = indicators.length;
      mergeIndicators(indicators, result.indicators.map(fromStix));
      stixImport = { imported: indicators.length - before, skipped: result.skipped };
    }
    const warning = await this.engine.issue(
      p,
      {
        title: dto.title,
        level: dto.level,
        sectors: dto.sectors ?? [],
        threatDescription: dto.threatDescription,
        recommendedActions: dto.recommendedActions ?? [],
        indicators,
        feedbackWithin,
        feedbackDueAt,
        drill: dto.drill ?? false,
        operators,
        ...(stixImport ? { stixImport: { imported: stixImport.imported, skipped: stixImport.skipped.length } } : {}),
        alsoInTransaction: async (em, warning) => {
          await this.taxii.publishWarning(em, p, warning);
        },
      },
      this.config.WARNING_FANOUT_BATCH,
    );
    return {
      ...baseView(warning, p.orgName),
      fanout: fanoutView(warning, 0),
      ...(stixImport ? { stixImport } : {}),
    };
  }

  async list(p: Principal, q: ListWarningsQuery): Promise<WarningPage> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const now = nowIso();
    if (p.orgKind === 'department') {
      const where = { orgId: p.orgId, ...(q.drill !== undefined ? { drill: q.drill } : {}) };
      const [rows, total] = await this.dataSource.getRepository(Warning).findAndCount({
        where,
        order: { createdAt: 'DESC', reference: 'DESC' },
        skip: (page - 1) * pageSize,
        take: pageSize,
      });
      const counts = await answerCounts(
        this.dataSource.manager,
        p.orgId,
        rows.map((w) => w.id),
        now,
      );
      const items = rows.map((w): WarningSummaryView => ({ ...summary(w, p.orgName), counts: counts.get(w.id)! }));
      return { items, total, page, pageSize };
    }
    const qb = this.dataSource
      .getRepository(WarningTarget)
      .createQueryBuilder('t')
      .innerJoin(Warning, 'w', 'w.id = t.warning_id')
      .where('t.operator_org_id = :org', { org: p.orgId });
    if (q.drill !== undefined) qb.andWhere('w.drill = :drill', { drill: q.drill });
    const [targets, total] = await qb
      .orderBy('t.created_at', 'DESC')
      .addOrderBy('t.warning_id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    const warnings = targets.length
      ? await this.dataSource.getRepository(Warning).findBy({ id: In(targets.map((t) => t.warningId)) })
      : [];
    const issuers = await this.orgNames(warnings.map((w) => w.orgId));
    const byId = new Map(warnings.map((w) => [w.id, w]));
    const items = targets.map((t): WarningSummaryView => {
      const w = byId.get(t.warningId)!;
      return {
        ...summary(w, issuers.get(w.orgId) ?? ''),
        state: t.state,
        deadlineStatus: t.deadlineStatus,
        version: t.version,
      };
    });
    return { items, total, page, pageSize };
  }

  async get(p: Principal, id: string): Promise<DepartmentWarningView | OperatorWarningView> {
    if (p.orgKind === 'department') {
      const warning = await this.ownWarning(p, id);
      const counts = (await answerCounts(this.dataSource.manager, p.orgId, [id], nowIso())).get(id)!;
      return { ...baseView(warning, p.orgName), fanout: fanoutView(warning, counts.targets), counts };
    }
    const target = await this.dataSource
      .getRepository(WarningTarget)
      .findOneBy({ warningId: id, operatorOrgId: p.orgId });
    if (!target) throw new NotFoundException('Warning not found');
    const warning = await this.dataSource.getRepository(Warning).findOneByOrFail({ id });
    return this.operatorView(p, warning, target);
  }

  async applyEvent(p: Principal, id: string, body: unknown): Promise<OperatorWarningView> {
    const { type, expectedVersion, payload } = await parseWarningEvent(body);
    let event: Record<string, unknown> & { type: string } = { type, ...payload };
    let feedback: { text: string; measures: string[] } | undefined;
    if (type === 'FEEDBACK_SENT') {
      // The machine only needs the feedback's id; the text lives on the target row.
      feedback = { text: payload.feedback as string, measures: (payload.measures as string[] | undefined) ?? [] };
      event = { type };
    }
    const applied = await this.engine.apply(p, id, p.orgId, event, {
      expectedVersion,
      feedback,
      auditPayload: feedback ? { feedback: feedback.text, measures: feedback.measures } : undefined,
    });
    return this.operatorView(p, applied.warning, applied.target);
  }

  /** Attach a STIX 2.1 bundle to a warning: its indicators become the warning's indicators. */
  async importStix(p: Principal, id: string, raw: unknown): Promise<StixImportReport> {
    await this.ownWarning(p, id);
    const bundle = readStixUpload(raw, 'body');
    return this.tx.run(async (em) => {
      const warning = await em.getRepository(Warning).findOneBy({ id, orgId: p.orgId });
      if (!warning) throw new NotFoundException('Warning not found');
      const result = honourTlp(importIndicators(bundle, { includeDrill: warning.drill }), {
        broadcast: warning.sectors.length > 0,
      });
      const indicators = [...warning.indicators];
      const added = mergeIndicators(indicators, result.indicators.map(fromStix));
      const updatedAt = nowIso();
      await em.getRepository(Warning).update({ id }, { indicators, updatedAt });
      // The warned operators see the indicators too.
      const targets = await em
        .getRepository(WarningTarget)
        .find({ where: { warningId: id }, select: { operatorOrgId: true } });
      if (added.length) await this.taxii.publishWarning(em, p, { ...warning, indicators, updatedAt });
      await this.audit.append(em, {
        actor: p,
        action: 'warning.stix-imported',
        payload: {
          warningId: id,
          reference: warning.reference,
          bundleId: bundle.id,
          objects: bundle.objects.length,
          imported: added.length,
          skipped: result.skipped.length,
          drill: warning.drill,
        },
        concerns: targets.map((t) => ({ orgId: t.operatorOrgId })),
      });
      return { warningId: id, imported: added.length, added, skipped: result.skipped, indicators };
    });
  }

  /** A page of the operators the department's warning reached, overdue first (target-answers.ts). */
  async targetPage(p: Principal, id: string, q: ListWarningTargetsQuery): Promise<WarningTargetPage> {
    await this.ownWarning(p, id);
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const now = nowIso();
    const { rows, total } = await targetPage(this.dataSource.manager, p.orgId, id, now, {
      page,
      pageSize,
      answer: q.answer,
    });
    const names = await this.orgNames(rows.map((t) => t.operatorOrgId));
    return {
      items: rows.map((t) => targetStatus(t, names.get(t.operatorOrgId) ?? '', now)),
      total,
      page,
      pageSize,
    };
  }

  /** A page of the operators of the department's sector, by name: whom it may name in operatorIds. */
  async targets(p: Principal, q: ListWarningChoicesQuery): Promise<WarningTargetsView> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const { rows, total } = await this.organisations.operatorsOfSectorPage(p.sector, {
      search: q.q?.trim() || undefined,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    const operators = rows.map((o) => ({
      id: o.id,
      name: o.name,
      operatorKind: o.operatorKind ?? null,
      region: o.region ?? null,
    }));
    return { sector: p.sector, operators, total, page, pageSize };
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /** The ids of the operators the warning goes to, sorted (the fan-out's batches follow this order). */
  private async resolveTargets(p: Principal, dto: CreateWarningDto): Promise<string[]> {
    const found = new Set<string>();
    for (const sector of dto.sectors ?? []) {
      if (sector !== p.sector)
        throw badField('sectors', `a department of sector ${p.sector} may warn only its own sector, not ${sector}`);
      const all = await this.organisations.operatorIdsOfSector(p.sector);
      if (all.length === 0) throw badField('sectors', `no operator is registered in sector ${p.sector}`);
      for (const id of all) found.add(id);
    }
    const ids = [...new Set(dto.operatorIds ?? [])];
    if (ids.length) {
      const rows = await this.organisations.findMany(ids);
      const ok = new Set(
        rows.filter((o) => o.kind === 'operator' && o.sector === p.sector && !o.isPlatform).map((o) => o.id),
      );
      const bad = ids.findIndex((i) => !ok.has(i));
      if (bad >= 0)
        throw badField('operatorIds', `operatorIds[${bad}] (${ids[bad]}) is not an operator of sector ${p.sector}`);
      for (const id of ok) found.add(id);
    }
    if (found.size === 0)
      throw badField('operatorIds', 'name the operators to warn (operatorIds) or your sector (sectors)');
    return [...found].sort();
  }

  private feedbackDue(dto: CreateWarningDto): { feedbackWithin: string | null; feedbackDueAt: string } {
    const now = Date.now();
    if (dto.feedbackWithin !== undefined && dto.feedbackDueAt !== undefined)
      throw badField('feedbackDueAt', 'give feedbackWithin or feedbackDueAt, not both');
    if (dto.feedbackDueAt !== undefined) {
      const due = new Date(dto.feedbackDueAt).getTime();
      if (due - now < MIN_WINDOW_MS) throw badField('feedbackDueAt', 'feedbackDueAt must be in the future');
      if (due - now > MAX_WINDOW_MS) throw badField('feedbackDueAt', 'feedbackDueAt must be within 90 days');
      return { feedbackWithin: null, feedbackDueAt: new Date(due).toISOString() };
    }
    const within = dto.feedbackWithin ?? this.catalogue.earlyWarning.feedbackDefaultWithin[dto.level];
    let ms: number;
    try {
      ms = durationMs(within);
    } catch (err) {
      if (err instanceof DurationError)
        throw badField(
          'feedbackWithin',
          `feedbackWithin must be an ISO 8601 duration such as PT6H or P1D (${err.message})`,
        );
      throw err;
    }
    if (ms < MIN_WINDOW_MS || ms > MAX_WINDOW_MS)
      throw badField('feedbackWithin', 'feedbackWithin must be between one second and 90 days');
    return { feedbackWithin: within, feedbackDueAt: new Date(now + ms).toISOString() };
  }

  private manualIndicators(dto: CreateWarningDto): WarningIndicator[] {
    const out: WarningIndicator[] = [];
    (dto.indicators ?? []).forEach((i, n) => {
      const problem = indicatorValueProblem(i.type, i.value);
      if (problem) throw badField(`indicators.${n}.value`, problem);
      mergeIndicators(out, [
        {
          type: i.type,
          value: normaliseIndicatorValue(i.type, i.value),
          ...(i.description ? { description: i.description } : {}),
          source: 'manual',
        },
      ]);
    });
    return out;
  }

  /** Adds the chosen TAXII feed indicators; TLP:RED and AMBER+STRICT ones may not go to a whole sector. */
  private async feedIndicators(p: Principal, dto: CreateWarningDto, into: WarningIndicator[]): Promise<void> {
    if (!dto.feedIndicatorIds?.length) return;
    const rows = await this.taxiiFeeds.feedIndicators(p.orgId, dto.feedIndicatorIds, 'feedIndicatorIds');
    const broadcast = (dto.sectors ?? []).length > 0;
    rows.forEach((row, n) => {
      if (broadcast && row.tlp && RESTRICTED_TLP.has(row.tlp))
        throw badField(
          'feedIndicatorIds',
          `feedIndicatorIds[${n}] (${row.type} ${row.value}) is marked TLP:${row.tlp.toUpperCase()} and may not go ` +
            'to a whole sector; issue a warning to named operators (operatorIds) to share it',
        );
    });
    mergeIndicators(
      into,
      rows.map((r) => ({
        type: r.type as WarningIndicator['type'],
        value: r.value,
        ...(r.description ? { description: r.description } : {}),
        source: 'feed' as const,
        stixId: r.stixId,
        ...(r.tlp ? { tlp: r.tlp as NonNullable<WarningIndicator['tlp']> } : {}),
      })),
    );
  }

  private async ownWarning(p: Principal, id: string): Promise<Warning> {
    const warning = await this.dataSource.getRepository(Warning).findOneBy({ id, orgId: p.orgId });
    if (!warning) throw new NotFoundException('Warning not found');
    return warning;
  }

  private async orgNames(ids: string[]): Promise<Map<string, string>> {
    return this.organisations.names(ids);
  }

  private async operatorView(p: Principal, warning: Warning, target: WarningTarget): Promise<OperatorWarningView> {
    const issuer = await this.orgNames([warning.orgId]);
    const snapshot = this.runtime.restore(target.workflowId, target.workflowVersion, target.snapshot);
    const context = snapshot.context as EarlyWarningContext;
    return {
      ...baseView(warning, issuer.get(warning.orgId) ?? ''),
      state: target.state,
      stateValue: snapshot.value,
      version: target.version,
      allowedEvents: this.runtime.allowed(target.workflowId, target.workflowVersion, snapshot, p.role as never),
      deadline: deadlineView(target),
      assessment: { applicable: context.applicable, note: context.assessmentNote },
      actionsSummary: context.actionsSummary,
      feedback: feedbackView(target),
    };
  }
}

function summary(w: Warning, issuerName: string): WarningSummaryView {
  return {
    id: w.id,
    reference: w.reference,
    title: w.title,
    level: w.level,
    drill: w.drill,
    feedbackDueAt: w.feedbackDueAt,
    issuer: { id: w.orgId, name: issuerName },
    createdAt: w.createdAt,
  };
}

/** TLP levels whose holder may not pass them to a whole sector (TLP 2.0: RED, individual recipients only;
 *  AMBER+STRICT, the recipient organisation only). */
const RESTRICTED_TLP = new Set<string>(['red', 'amber+strict']);

/**
 * Honours the TLP of imported indicators: a warning to a whole sector (`sectors`) is a broadcast,
 * so indicators marked TLP:RED or TLP:AMBER+STRICT are left out of it and reported as skipped; a
 * warning to named operators (`operatorIds` only) carries them, marked with their TLP.
 */
function honourTlp(result: ImportResult, { broadcast }: { broadcast: boolean }): ImportResult {
  if (!broadcast) return result;
  const kept: ImportedIndicator[] = [];
  const skipped = [...result.skipped];
  for (const i of result.indicators) {
    if (i.tlp && RESTRICTED_TLP.has(i.tlp)) {
      skipped.push({
        id: i.stixId,
        reason:
          `${i.type} ${i.value} is marked TLP:${i.tlp.toUpperCase()} and may not go to a whole sector; ` +
          'issue a warning to named operators (operatorIds) to share it',
      });
    } else {
      kept.push(i);
    }
  }
  return { indicators: kept, skipped };
}

function fromStix(i: ImportedIndicator): WarningIndicator {
  return {
    type: i.type,
    value: i.value,
    ...(i.description ? { description: i.description } : {}),
    source: 'stix',
    stixId: i.stixId,
    ...(i.tlp ? { tlp: i.tlp } : {}),
  };
}

/** Appends the indicators not already present (same type and value); returns those added. */
function mergeIndicators(into: WarningIndicator[], more: WarningIndicator[]): WarningIndicator[] {
  const seen = new Set(into.map((i) => `${i.type}\u0000${i.value}`));
  const added: WarningIndicator[] = [];
  for (const i of more) {
    const key = `${i.type}\u0000${i.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    into.push(i);
    added.push(i);
  }
  return added;
}
