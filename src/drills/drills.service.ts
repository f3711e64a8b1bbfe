import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { Users, type UserRecord } from '../accounts';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import { Clocks, DRILL_REMINDER } from '../clocks';
import { badField, durationMs, nowIso, type Grade } from '../common';
import { TransactionRunner } from '../database';
import { IncidentEngine } from '../incidents';
import { OutboxService, type OutboxItem } from '../outbox';
import { PlanStore } from '../plans';
import { Catalogue, shanghaiDate } from '../requirements';
import { Drill, DrillFollowUp, type DrillReminder, type DrillStatus } from './drill.entities';
import {
  DEFAULT_REMIND_BEFORE,
  type ClauseCitationView,
  type CompleteFollowUpDto,
  type DrillComplianceView,
  type DrillParticipantView,
  type DrillView,
  type EvaluateDrillDto,
  type ListDrillsQuery,
  type PlanDrillsView,
  type ScheduleDrillDto,
} from './drills.dto';

/** Reminder lead times: at least a second (a test drives real timers), at most 30 days. */
const MIN_LEAD_MS = 1000;
const MAX_LEAD_MS = 30 * 24 * 3600_000;

/** The GB/T 39204-2022 items of clause 11.2 that scheduled, run and evaluated drills evidence. */
export const DRILL_REQUIREMENTS = ['GBT39204-11.2-a', 'GBT39204-11.2-c'];

/** Drills listed at most (newest first): an organisation runs a few a year. */
const LIST_LIMIT = 500;

/**
 * Drills (应急演练, GB/T 39204-2022 11.2) of a version of one of the organisation's plans: scheduled
 * with participants, reminded through the clocks (DRILL_REMINDER), started as a drill incident running
 * exactly that version (the incidents' own declaration, pinned), then evaluated with follow-up actions.
 * Every change is one audited transaction.
 */
@Injectable()
export class DrillsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clocks: Clocks,
    private readonly plans: PlanStore,
    private readonly users: Users,
    private readonly engine: IncidentEngine,
    private readonly catalogue: Catalogue,
  ) {}

  async schedule(p: Principal, dto: ScheduleDrillDto): Promise<DrillView> {
    const now = new Date();
    const startsAt = new Date(dto.startsAt);
    if (startsAt.getTime() <= now.getTime()) throw badField('startsAt', 'startsAt must be in the future');
    const remindBefore = dto.remindBefore ?? DEFAULT_REMIND_BEFORE;
    const reminders: DrillReminder[] = remindBefore.map((before, i) => {
      let ms: number;
      try {
        ms = durationMs(before);
      } catch {
        throw badField(`remindBefore[${i}]`, `${before} is not an ISO 8601 duration (PT24H, PT1H, P2D)`);
      }
      if (ms < MIN_LEAD_MS || ms > MAX_LEAD_MS)
        throw badField(`remindBefore[${i}]`, 'a reminder comes between one second and 30 days before the start');
      if (remindBefore.indexOf(before) !== i) throw badField(`remindBefore[${i}]`, `${before} is given twice`);
      const at = new Date(startsAt.getTime() - ms);
      // A moment already past (a drill scheduled at short notice) would only be noise: skipped, as a
      // deadline's reminders already past are (Clocks.start).
      return { before, at: at.toISOString(), status: at.getTime() <= now.getTime() ? 'skipped' : 'pending' };
    });
    const em = this.dataSource.manager;
    const plan = await this.plans.version(em, p.orgId, dto.planId);
    if (!plan) throw badField('planId', `no plan ${dto.planId} in your organisation (GET /api/v1/plans)`);
    const version =
      dto.planVersion === undefined ? plan : await this.plans.version(em, p.orgId, dto.planId, dto.planVersion);
    if (!version) throw badField('planVersion', `plan ${dto.planId} has no version ${dto.planVersion}`);
    const category = dto.category ?? version.document.categories[0];
    if (!category || !this.catalogue.isCategory(category))
      throw badField('category', `category ${category} is not in the taxonomy (GET /api/v1/taxonomy)`);
    await this.checkPeople(p, dto.participants, (i) => `participants[${i}]`);
    const participants = [...new Set(dto.participants)];

    return this.tx.run(async (tem) => {
      const at = nowIso();
      const drill: Drill = {
        id: randomUUID(),
        orgId: p.orgId,
        planId: version.planId,
        planVersion: version.version,
        title: dto.title,
        scope: dto.scope,
        category,
        grade: (dto.grade ?? 'IV') as Grade,
        startsAt: startsAt.toISOString(),
        status: 'scheduled',
        participants,
        reminders,
        incidentId: null,
        startedAt: null,
        cancelledAt: null,
        cancelReason: null,
        evaluation: null,
        createdBy: p.userId,
        createdAt: at,
        updatedAt: at,
      };
      await tem.getRepository(Drill).insert(drill);
      await this.audit.append(tem, {
        actor: p,
        action: 'drill.scheduled',
        payload: {
          drillId: drill.id,
          title: drill.title,
          planId: drill.planId,
          planVersion: drill.planVersion,
          startsAt: drill.startsAt,
          participants,
          reminders: reminders.map((r) => `${r.before}:${r.status}`),
        },
      });
      const items = reminders
        .filter((r) => r.status === 'pending')
        .flatMap((r) =>
          this.clocks.start(
            DRILL_REMINDER,
            { drillId: drill.id, before: r.before },
            { start: now, due: new Date(r.at), now },
          ),
        );
      await this.outbox.add(tem, items);
      return this.view(tem, drill);
    });
  }

  async list(p: Principal, q: ListDrillsQuery): Promise<DrillView[]> {
    const where: FindOptionsWhere<Drill> = { orgId: p.orgId };
    if (q.status) where.status = q.status as DrillStatus;
    if (q.planId) where.planId = q.planId;
    const rows = await this.dataSource
      .getRepository(Drill)
      .find({ where, order: { startsAt: 'DESC', id: 'ASC' }, take: LIST_LIMIT });
    return this.views(this.dataSource.manager, rows);
  }

  /** Who can be a participant or a follow-up's owner: the organisation's people (for the console's pickers). */
  async people(p: Principal): Promise<DrillParticipantView[]> {
    return (await this.users.people(p.orgId)).map((u) => ({ id: u.id, name: u.name, role: u.role }));
  }

  async get(p: Principal, id: string): Promise<DrillView> {
    return this.view(this.dataSource.manager, await this.find(this.dataSource.manager, p, id));
  }

  async cancel(p: Principal, id: string, reason: string): Promise<DrillView> {
    return this.tx.run(async (em) => {
      const drill = await this.find(em, p, id);
      if (drill.status !== 'scheduled') throw this.notScheduled(drill);
      const now = new Date();
      drill.status = 'cancelled';
      drill.cancelledAt = now.toISOString();
      drill.cancelReason = reason;
      drill.updatedAt = drill.cancelledAt;
      const stops = this.stopReminders(drill, now);
      await em.getRepository(Drill).save(drill);
      await this.audit.append(em, {
        actor: p,
        action: 'drill.cancelled',
        payload: { drillId: drill.id, title: drill.title, reason },
      });
      await this.outbox.add(em, stops);
      return this.view(em, drill);
    });
  }

  /**
   * Declares the drill incident through the incidents' own declaration, on exactly the drill's plan
   * version (pinned, whatever the plan became since), and records the start in the same transaction.
   */
  async start(p: Principal, id: string): Promise<DrillView> {
    const drill = await this.find(this.dataSource.manager, p, id);
    if (drill.status !== 'scheduled') throw this.notScheduled(drill);
    let started: Drill | null = null;
    await this.engine.declare(p, {
      title: drill.title,
      description: drill.scope,
      category: drill.category,
      grade: drill.grade,
      detectedAt: nowIso(),
      occurredAt: null,
      affectedSystems: [],
      affectedBusiness: [],
      drill: true,
      impact: null,
      plan: { planId: drill.planId, version: drill.planVersion },
      within: async (em, incident) => {
        const now = new Date();
        const current = await em.getRepository(Drill).findOneBy({ id: drill.id, orgId: p.orgId });
        // Another start or a cancellation got in first: this declaration is rolled back.
        if (!current || current.status !== 'scheduled') throw this.notScheduled(current ?? drill);
        current.status = 'started';
        current.incidentId = incident.id;
        current.startedAt = now.toISOString();
        current.updatedAt = current.startedAt;
        const stops = this.stopReminders(current, now);
        await em.getRepository(Drill).save(current);
        await this.audit.append(em, {
          actor: p,
          action: 'drill.started',
          incidentId: incident.id,
          payload: {
            drillId: current.id,
            title: current.title,
            reference: incident.reference,
            plan: `plan:${current.planId}@${current.planVersion}`,
          },
        });
        await this.outbox.add(em, stops);
        started = current;
      },
    });
    return this.view(this.dataSource.manager, started!);
  }

  async evaluate(p: Principal, id: string, dto: EvaluateDrillDto): Promise<DrillView> {
    for (const [i, f] of dto.followUps.entries()) {
      const d = new Date(`${f.dueDate}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== f.dueDate)
        throw badField(`followUps[${i}].dueDate`, `${f.dueDate} is not a calendar date`);
    }
    await this.checkPeople(
      p,
      dto.followUps.map((f) => f.ownerId),
      (i) => `followUps[${i}].ownerId`,
    );
    return this.tx.run(async (em) => {
      const drill = await this.find(em, p, id);
      if (drill.status === 'evaluated')
        throw new ConflictException({ message: 'The drill has already been evaluated', code: 'drill-evaluated' });
      if (drill.status !== 'started')
        throw new ConflictException({
          message: `A drill is evaluated after it has run; this one is ${drill.status}`,
          code: 'drill-not-run',
        });
      const now = nowIso();
      drill.status = 'evaluated';
      drill.evaluation = {
        summary: dto.summary,
        wentWell: dto.wentWell,
        gaps: dto.gaps,
        evaluatedBy: p.userId,
        evaluatedAt: now,
      };
      drill.updatedAt = now;
      await em.getRepository(Drill).save(drill);
      const followUps: DrillFollowUp[] = dto.followUps.map((f) => ({
        id: randomUUID(),
        drillId: drill.id,
        orgId: p.orgId,
        action: f.action,
        ownerId: f.ownerId,
        dueDate: f.dueDate,
        status: 'open',
        doneAt: null,
        doneBy: null,
        doneNote: null,
      }));
      if (followUps.length) await em.getRepository(DrillFollowUp).insert(followUps);
      await this.audit.append(em, {
        actor: p,
        action: 'drill.evaluated',
        incidentId: drill.incidentId ?? undefined,
        payload: {
          drillId: drill.id,
          title: drill.title,
          gaps: dto.gaps.length,
          followUps: followUps.map((f) => ({ id: f.id, ownerId: f.ownerId, dueDate: f.dueDate })),
          requirements: DRILL_REQUIREMENTS,
        },
      });
      return this.view(em, drill);
    });
  }

  /** The owner, or an admin or leader, marks a follow-up done. */
  async completeFollowUp(p: Principal, id: string, followUpId: string, dto: CompleteFollowUpDto): Promise<DrillView> {
    return this.tx.run(async (em) => {
      const drill = await this.find(em, p, id);
      const followUp = await em.getRepository(DrillFollowUp).findOneBy({ id: followUpId, drillId: drill.id });
      if (!followUp) throw new NotFoundException(`No follow-up ${followUpId} on drill ${id}`);
      if (followUp.ownerId !== p.userId && p.role !== 'admin' && p.role !== 'leader')
        throw new ForbiddenException('Only its owner, an admin or a leader marks a follow-up done');
      if (followUp.status === 'done')
        throw new ConflictException({ message: 'The follow-up is already done', code: 'follow-up-done' });
      const now = nowIso();
      await em
        .getRepository(DrillFollowUp)
        .update({ id: followUp.id }, { status: 'done', doneAt: now, doneBy: p.userId, doneNote: dto.note ?? null });
      await em.getRepository(Drill).update({ id: drill.id }, { updatedAt: now });
      await this.audit.append(em, {
        actor: p,
        action: 'drill.follow-up-done',
        payload: { drillId: drill.id, followUpId, note: dto.note ?? null },
      });
      return this.view(em, drill);
    });
  }

  /**
   * Per plan: drills planned, run, evaluated and their open follow-ups, under the GB/T 39204-2022 11.2
   * items they evidence. Every plan of the organisation has a row, so a plan never exercised shows.
   */
  async compliance(p: Principal): Promise<DrillComplianceView> {
    const em = this.dataSource.manager;
    const plans = await this.plans.summaries(em, p.orgId);
    const drills = await em.getRepository(Drill).findBy({ orgId: p.orgId });
    const open = await em.getRepository(DrillFollowUp).findBy({ orgId: p.orgId, status: 'open' });
    const drillPlan = new Map(drills.map((d) => [d.id, d.planId]));
    const today = shanghaiDate(new Date());
    const now = Date.now();
    const rows: PlanDrillsView[] = plans.map((plan) => {
      const mine = drills.filter((d) => d.planId === plan.planId);
      const ran = mine.filter((d) => d.startedAt);
      const evaluated = mine.filter((d) => d.evaluation);
      const followUps = open.filter((f) => drillPlan.get(f.drillId) === plan.planId);
      const upcoming = mine
        .filter((d) => d.status === 'scheduled' && Date.parse(d.startsAt) >= now)
        .map((d) => d.startsAt)
        .sort();
      const latest = (xs: Array<string | null | undefined>) =>
        xs
          .filter((x): x is string => !!x)
          .sort()
          .at(-1) ?? null;
      return {
        planId: plan.planId,
        planTitle: plan.title,
        planned: mine.filter((d) => d.status === 'scheduled').length,
        run: ran.length,
        evaluated: evaluated.length,
        cancelled: mine.filter((d) => d.status === 'cancelled').length,
        awaitingEvaluation: mine.filter((d) => d.status === 'started').length,
        openFollowUps: followUps.length,
        overdueFollowUps: followUps.filter((f) => f.dueDate < today).length,
        nextDrillAt: upcoming[0] ?? null,
        lastRunAt: latest(ran.map((d) => d.startedAt)),
        lastEvaluatedAt: latest(evaluated.map((d) => d.evaluation?.evaluatedAt)),
      };
    });
    return { requirements: this.citations(), plans: rows };
  }

  /** The 11.2 items as the requirements module has them: document, clause, title and where to read them. */
  citations(): ClauseCitationView[] {
    return DRILL_REQUIREMENTS.flatMap((id) => {
      const r = this.catalogue.requirement(id);
      if (!r) return [];
      const doc = this.catalogue.documents.find((d) => d.id === r.document);
      const clause = this.catalogue.clauses.find((c) => c.document === r.document && c.number === r.clause);
      return [
        {
          requirementId: r.id,
          documentId: r.document,
          documentTitle: doc?.title ?? { zh: r.document, en: r.document },
          clause: r.clause,
          clauseTitle: clause?.title ?? { zh: '', en: '' },
          title: r.title,
          address: `/api/v1/requirements/${r.id}`,
          provenance: r.source,
          confidence: r.confidence,
        },
      ];
    });
  }

  private async find(em: EntityManager, p: Principal, id: string): Promise<Drill> {
    const drill = await em.getRepository(Drill).findOneBy({ id, orgId: p.orgId });
    if (!drill) throw new NotFoundException(`No drill ${id} in your organisation`);
    return drill;
  }

  private notScheduled(drill: Drill): ConflictException {
    return new ConflictException({
      message: `The drill is ${drill.status}, not scheduled`,
      code: 'drill-not-scheduled',
    });
  }

  /** Cancels the reminders still pending (the drill started early or was cancelled). */
  private stopReminders(drill: Drill, now: Date): OutboxItem[] {
    const stops: OutboxItem[] = [];
    drill.reminders = drill.reminders.map((r) => {
      if (r.status !== 'pending') return r;
      stops.push(this.clocks.stop(DRILL_REMINDER, { drillId: drill.id, before: r.before }, now));
      return { ...r, status: 'cancelled' };
    });
    return stops;
  }

  /** Every id a person of the caller's organisation, not disabled: else 400 naming the entry. */
  private async checkPeople(p: Principal, ids: string[], field: (i: number) => string): Promise<void> {
    const found = await this.users.findMany(ids);
    ids.forEach((id, i) => {
      const u = found.get(id);
      if (!u || u.orgId !== p.orgId) throw badField(field(i), `no user ${id} in your organisation`);
      if (u.disabled) throw badField(field(i), `user ${id} is disabled`);
    });
  }

  private async view(em: EntityManager, drill: Drill): Promise<DrillView> {
    return (await this.views(em, [drill]))[0];
  }

  private async views(em: EntityManager, drills: Drill[]): Promise<DrillView[]> {
    if (!drills.length) return [];
    const followUps = await em
      .getRepository(DrillFollowUp)
      .find({ where: drills.map((d) => ({ drillId: d.id })), order: { dueDate: 'ASC', id: 'ASC' } });
    const people = await this.users.findMany(
      [...drills.flatMap((d) => d.participants), ...followUps.map((f) => f.ownerId)],
      em,
    );
    const titles = new Map<string, { zh: string; en: string }>();
    for (const d of drills) {
      const key = `${d.planId}@${d.planVersion}`;
      if (titles.has(key)) continue;
      const v = await this.plans.version(em, d.orgId, d.planId, d.planVersion);
      titles.set(key, v?.document.title ?? { zh: '', en: '' });
    }
    const person = (id: string): UserRecord | undefined => people.get(id);
    return drills.map((d) => ({
      id: d.id,
      planId: d.planId,
      planVersion: d.planVersion,
      planTitle: titles.get(`${d.planId}@${d.planVersion}`)!,
      title: d.title,
      scope: d.scope,
      category: d.category,
      grade: d.grade,
      startsAt: d.startsAt,
      status: d.status,
      participants: d.participants.map((id) => ({ id, name: person(id)?.name ?? '', role: person(id)?.role ?? '' })),
      reminders: d.reminders,
      incidentId: d.incidentId,
      startedAt: d.startedAt,
      cancelledAt: d.cancelledAt,
      cancelReason: d.cancelReason,
      evaluation: d.evaluation,
      followUps: followUps
        .filter((f) => f.drillId === d.id)
        .map((f) => ({
          id: f.id,
          action: f.action,
          ownerId: f.ownerId,
          ownerName: person(f.ownerId)?.name ?? '',
          dueDate: f.dueDate,
          status: f.status,
          doneAt: f.doneAt,
          doneNote: f.doneNote,
        })),
      createdBy: d.createdBy,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    }));
  }
}
