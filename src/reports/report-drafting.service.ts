import { ConflictException, Injectable } from '@nestjs/common';
import { Incidents, IncidentEngine } from '../incidents';
import { Users, Organisations } from '../accounts';
import { randomUUID } from 'node:crypto';
import type { IncidentContext } from '../../workflows/incident/types';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import { badField } from '../common';
import { nextSequenceValue, TransactionRunner } from '../database';
import { Catalogue } from '../requirements';
import { draftFields, fieldSets, MAX_FIELD_CHARS } from './report-content';
import type { CreateReportDto, UpdateReportDto } from './report.dto';
import { Report } from './report.entities';
import type { ReportView } from './report.view';
import { lastSubmittedInitial, operatorIncident, operatorReport, ReportRules } from './report-rules';
import { ReportViews } from './report-views.service';

/**
 * Drafts and their edits: a first draft generated from the incident (or from the report it corrects,
 * or from the partial initial report it completes), then edited by the liaison. An edit after
 * approval withdraws the approval.
 */
@Injectable()
export class ReportDrafting {
  constructor(
    private readonly incidents: Incidents,
    private readonly users: Users,
    private readonly organisations: Organisations,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly engine: IncidentEngine,
    private readonly catalogue: Catalogue,
    private readonly rules: ReportRules,
    private readonly views: ReportViews,
  ) {}

  async draft(p: Principal, incidentId: string, dto: CreateReportDto): Promise<ReportView> {
    if (dto.partial && dto.kind !== 'initial') throw badField('partial', 'only an initial report may be partial');
    const id = await this.tx.run(async (em) => {
      const incident = await operatorIncident(this.incidents, em, p, incidentId);
      const org = await this.organisations.get(p.orgId, em);
      const rule = this.rules.rule(org, incident);
      let fields: Record<string, string>;
      if (dto.corrects) {
        const old = await em.getRepository(Report).findOneBy({ id: dto.corrects, orgId: p.orgId, incidentId });
        if (!old) throw badField('corrects', 'corrects must name a report of this incident');
        if (old.status !== 'submitted')
          throw badField('corrects', 'only a submitted report can be corrected; edit the draft instead');
        if (old.kind !== dto.kind)
          throw badField('kind', `a correction keeps the kind of the report it corrects (${old.kind})`);
        fields = { ...old.fields };
      } else if (dto.kind === 'initial' && (await lastSubmittedInitial(em, incident.id))?.partial) {
        // Completing a partial initial report starts from what was already reported.
        fields = { ...(await lastSubmittedInitial(em, incident.id))!.fields };
      } else {
        const user = await this.users.find(p.userId, em);
        const contact = user ? [user.name, user.email].filter(Boolean).join(' ') : '';
        fields = draftFields(
          incident,
          org,
          (await this.engine.snapshotOf(em, incident)).context as IncidentContext,
          contact,
          this.catalogue.gradeRules.facts,
        );
      }
      const sets = fieldSets(this.catalogue, rule, dto.kind, incident.category);
      const n = await nextSequenceValue(em, `report:${incident.id}`);
      const now = new Date().toISOString();
      const report: Report = {
        id: randomUUID(),
        orgId: p.orgId,
        incidentId: incident.id,
        reference: `${incident.reference}-R${n}`,
        kind: dto.kind,
        status: 'draft',
        partial: dto.partial ?? false,
        correctsId: dto.corrects ?? null,
        drill: incident.drill,
        grade: incident.grade,
        category: incident.category,
        ruleId: rule.id,
        fields,
        requiredFields: sets.required,
        owedFields: [],
        contentDigest: null,
        version: 1,
        createdBy: p.userId,
        createdAt: now,
        updatedAt: now,
        approvedBy: null,
        approvedAt: null,
        submittedBy: null,
        submittedAt: null,
        auditHeadSeq: null,
        auditHeadHash: null,
        auditHeadChain: null,
      };
      await em.getRepository(Report).insert(report);
      await this.audit.append(em, {
        actor: p,
        incidentId: incident.id,
        action: 'report.drafted',
        payload: {
          reportId: report.id,
          reference: report.reference,
          kind: report.kind,
          partial: report.partial,
          corrects: report.correctsId,
          drill: report.drill,
        },
      });
      return report.id;
    });
    return this.views.get(p, id);
  }

  async update(p: Principal, id: string, dto: UpdateReportDto): Promise<ReportView> {
    await this.tx.run(async (em) => {
      const report = await operatorReport(em, p, id);
      this.mutable(report);
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== report.version) {
        throw new ConflictException(
          `Report is at version ${report.version}, not ${dto.expectedVersion}; reload and retry`,
        );
      }
      if (dto.partial !== undefined && dto.partial && report.kind !== 'initial')
        throw badField('partial', 'only an initial report may be partial');
      const known = new Set(this.catalogue.reportFields.map((f) => f.code));
      const fields = { ...report.fields };
      const changed: string[] = [];
      for (const [code, value] of Object.entries(dto.fields ?? {})) {
        if (!known.has(code))
          throw badField(
            `fields.${code}`,
            `${code} is not a report field (see reportFields in GET /api/v1/requirements/reporting-rules)`,
          );
        if (value === null) delete fields[code];
        else if (typeof value !== 'string') throw badField(`fields.${code}`, `fields.${code} must be a string or null`);
        else if (value.length > MAX_FIELD_CHARS)
          throw badField(`fields.${code}`, `fields.${code} must be at most ${MAX_FIELD_CHARS} characters`);
        else fields[code] = value;
        changed.push(code);
      }
      const wasApproved = report.status === 'approved';
      const patch: Partial<Report> = {
        fields,
        partial: dto.partial ?? report.partial,
        version: report.version + 1,
        updatedAt: new Date().toISOString(),
        // An edit after approval needs a fresh approval: the approver signed off other content.
        status: 'draft',
        approvedAt: null,
        approvedBy: null,
      };
      const res = await em
        .getRepository(Report)
        .update({ id: report.id, version: report.version, status: report.status }, patch);
      if (!res.affected) throw new ConflictException('Report changed concurrently; reload and retry');
      await this.audit.append(em, {
        actor: p,
        incidentId: report.incidentId,
        action: 'report.edited',
        payload: {
          reportId: report.id,
          changed,
          cleared: changed.filter((c) => !(c in fields)),
          partial: patch.partial,
          approvalWithdrawn: wasApproved,
          version: patch.version,
        },
      });
    });
    return this.views.get(p, id);
  }

  private mutable(report: Report): void {
    if (report.status === 'submitted')
      throw new ConflictException('A submitted report cannot change; draft a correction that references it (corrects)');
  }
}
