import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { OrganisationRecord } from '../accounts';
import type { Principal } from '../auth';
import { badField } from '../common';
import { Incidents, type IncidentRecord } from '../incidents';
import { Catalogue, type ReportingRule } from '../requirements';
import { fieldSets, missing } from './report-content';
import { Report } from './report.entities';

/** The operator's incident, with its workflow started; another organisation's is "not found". */
export async function operatorIncident(
  incidents: Incidents,
  em: EntityManager,
  p: Principal,
  id: string,
): Promise<IncidentRecord> {
  const incident = await incidents.ofOrg(p.orgId, id, em);
  if (!incident || !incident.snapshot) throw new NotFoundException('Incident not found');
  return incident;
}

/** The operator's report; another organisation's is "not found". */
export async function operatorReport(em: EntityManager, p: Principal, id: string): Promise<Report> {
  const report = await em.getRepository(Report).findOneBy({ id, orgId: p.orgId });
  if (!report) throw new NotFoundException('Report not found');
  return report;
}

/** The latest submitted initial report of an incident: what a partial one still owes follows it. */
export async function lastSubmittedInitial(em: EntityManager, incidentId: string): Promise<Report | null> {
  return em
    .getRepository(Report)
    .findOne({ where: { incidentId, kind: 'initial', status: 'submitted' }, order: { submittedAt: 'DESC' } });
}

/** What the catalogue says about a report: its rule, its fields' labels, whether it is complete. */
@Injectable()
export class ReportRules {
  constructor(private readonly catalogue: Catalogue) {}

  labelOf = (code: string): string => this.catalogue.reportFields.find((f) => f.code === code)?.label.zh ?? code;

  rule(org: OrganisationRecord, incident: IncidentRecord): ReportingRule {
    const rule = this.catalogue.ruleFor(org.operatorKind ?? 'other', incident.grade);
    if (!rule)
      throw new ConflictException(
        `No reporting rule applies to a grade ${incident.grade} incident of a ${org.operatorKind ?? 'other'} operator`,
      );
    return rule;
  }

  /** Throws a 400 naming each required field still empty; returns the required fields. */
  checkComplete(report: Report, rule: ReportingRule, category: string): { required: string[] } {
    const sets = fieldSets(this.catalogue, rule, report.kind, category);
    if (report.partial && !rule.reports.initial.minimumFields.length)
      throw badField('partial', `rule ${rule.id} does not allow a partial report`);
    const gaps = missing(report.partial ? sets.minimum : sets.required, report.fields);
    if (gaps.length) {
      const what = report.partial ? 'a partial initial report (minimumFields)' : `a complete ${report.kind} report`;
      throw new BadRequestException({
        message: `${gaps.join(', ')} must be filled for ${what}`,
        details: gaps.map((g) => ({
          field: `fields.${g}`,
          messages: [`${this.labelOf(g)} (${g}) is required for ${what}`],
        })),
      });
    }
    return { required: sets.required };
  }
}
