/** The incidents module's public entry: what other modules may use. */
export { IncidentEngine, type EngineEvent } from './incident-engine';
export { IncidentsModule } from './incidents.module';
export { RecipientCoverageSource, RecipientCoverageView } from './recipient-coverage';
export { Incidents, type IncidentRecord } from './incidents.repository';
