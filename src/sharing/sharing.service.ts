import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Incidents, type IncidentRecord } from '../incidents';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit';
import { Organisations } from '../accounts';
import type { Principal } from '../auth';
import { badField, nowIso } from '../common';
import { TransactionRunner } from '../database';
import { IncidentIndicator } from './incident-indicator.entity';
import { indicatorValueProblem, normaliseIndicatorValue, type IndicatorInputDto } from './indicator-input';
import type { IndicatorView, StixExportQuery } from './sharing.dto';
import { exportIncidentBundle, type StixBundle } from './stix';
import { StixObjects } from './stix-objects';

const view = (i: IncidentIndicator): IndicatorView => ({
  id: i.id,
  incidentId: i.incidentId,
  type: i.type,
  value: i.value,
  description: i.description,
  createdBy: i.createdBy,
  createdAt: i.createdAt,
});

/**
 * Threat-information sharing from the operator side (GB/T 39204-2022 10.4, 9.1): indicators
 * recorded on an incident and the incident exported as a STIX 2.1 bundle at a TLP level the sharer
 * chooses, desensitised by default. Every query is scoped to the caller's organisation.
 */
@Injectable()
export class SharingService {
  constructor(
    private readonly incidents: Incidents,
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly organisations: Organisations,
    private readonly stixObjects: StixObjects,
  ) {}

  async record(p: Principal, incidentId: string, dto: IndicatorInputDto): Promise<IndicatorView> {
    const problem = indicatorValueProblem(dto.type, dto.value);
    if (problem) throw badField('value', problem);
    const value = normaliseIndicatorValue(dto.type, dto.value);
    const row = await this.tx.run(async (em) => {
      const incident = await this.incidents.ofOrg(p.orgId, incidentId, em);
      if (!incident) throw new NotFoundException('Incident not found');
      const existing = await em.getRepository(IncidentIndicator).findOneBy({ incidentId, type: dto.type, value });
      if (existing)
        throw new ConflictException({
          message: `${dto.type} ${value} is already recorded on this incident`,
          indicatorId: existing.id,
        });
      const created: IncidentIndicator = {
        id: randomUUID(),
        incidentId,
        orgId: p.orgId,
        type: dto.type,
        value,
        description: dto.description ?? null,
        createdBy: p.userId,
        createdAt: nowIso(),
      };
      await em.getRepository(IncidentIndicator).insert(created);
      await this.audit.append(em, {
        actor: p,
        incidentId,
        action: 'incident.indicator-recorded',
        payload: { indicatorId: created.id, type: created.type, value: created.value, drill: incident.drill },
      });
      return created;
    });
    return view(row);
  }

  async list(p: Principal, incidentId: string): Promise<IndicatorView[]> {
    await this.incident(p, incidentId);
    const rows = await this.dataSource
      .getRepository(IncidentIndicator)
      .find({ where: { incidentId, orgId: p.orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(view);
  }

  /** The STIX bundle for one incident; the export itself is audited (who shared what, at which TLP). */
  async exportStix(p: Principal, incidentId: string, q: StixExportQuery): Promise<StixBundle> {
    const desensitise = q.desensitise ?? true;
    return this.tx.run(async (em) => {
      const incident = await this.incidents.ofOrg(p.orgId, incidentId, em);
      if (!incident) throw new NotFoundException('Incident not found');
      const org = await this.organisations.get(p.orgId, em);
      const indicators = await em
        .getRepository(IncidentIndicator)
        .find({ where: { incidentId, orgId: p.orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
      const { bundle, removed } = await exportIncidentBundle(
        {
          incident: {
            id: incident.id,
            reference: incident.reference,
            title: incident.title,
            description: incident.description,
            category: incident.category,
            grade: incident.grade,
            detectedAt: incident.detectedAt,
            occurredAt: incident.occurredAt,
            drill: incident.drill,
            affectedSystems: incident.affectedSystems,
            createdAt: incident.createdAt,
            updatedAt: incident.updatedAt,
          },
          organisation: { id: org.id, name: org.name, sector: org.sector },
          indicators: indicators.map((i) => ({
            type: i.type,
            value: i.value,
            ...(i.description ? { description: i.description } : {}),
            validFrom: i.createdAt,
          })),
        },
        // The organisation's own naming patterns catch bare host names (trade-app-01) no suffix gives away.
        {
          tlp: q.tlp,
          registry: this.stixObjects.registry(em, p.orgId),
          ...(desensitise ? { desensitise: { internalHostPatterns: org.internalHostPatterns ?? [] } } : {}),
        },
      );
      const exported = bundle.objects.filter((o) => o.type === 'indicator').length;
      await this.audit.append(em, {
        actor: p,
        incidentId,
        action: 'incident.shared.stix',
        payload: {
          bundleId: bundle.id,
          tlp: q.tlp,
          desensitised: desensitise,
          objects: bundle.objects.length,
          indicators: exported,
          indicatorsRecorded: indicators.length,
          removed: removed.map((r) => ({ rule: r.rule, where: r.where, what: r.what })),
          drill: incident.drill,
        },
      });
      return bundle;
    });
  }

  private async incident(p: Principal, id: string): Promise<IncidentRecord> {
    // Another organisation's incident is "not found": existence must not leak across tenants.
    const incident = await this.incidents.ofOrg(p.orgId, id);
    if (!incident) throw new NotFoundException('Incident not found');
    return incident;
  }
}
