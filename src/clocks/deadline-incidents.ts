import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { EntityManager } from 'typeorm';

/** What the deadline dashboard and the escalation ladder show of the incident a deadline belongs to. */
export interface DeadlineIncident {
  id: string;
  orgId: string;
  reference: string;
  title: string;
  grade: string;
  drill: boolean;
}

/**
 * The incidents deadlines belong to. The incidents module knows them and provides this (it imports
 * clocks, so clocks cannot import it): clocks asks, and never reads the incident table itself.
 */
export abstract class DeadlineIncidents {
  abstract find(ids: readonly string[], em?: EntityManager): Promise<DeadlineIncident[]>;
}

/**
 * Finds the DeadlineIncidents the incidents module registered, once the whole application exists
 * (Nest's ModuleRef, non-strict: the provider lives in another module). A process without one stops
 * at start-up with one line rather than at the first deadline.
 */
@Injectable()
export class DeadlineIncidentsRef implements OnApplicationBootstrap {
  private found?: DeadlineIncidents;

  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    this.get();
  }

  get(): DeadlineIncidents {
    if (!this.found) {
      try {
        this.found = this.moduleRef.get(DeadlineIncidents, { strict: false });
      } catch {
        throw new Error('No module provides DeadlineIncidents: the clocks need the incidents module in this process');
      }
    }
    return this.found;
  }
}
