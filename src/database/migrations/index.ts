import { Initial1764000000000 } from './1764000000000-initial';
import { IncidentDeadlines1764000000001 } from './1764000000001-incident-deadlines';

/** Listed explicitly (not globbed) so ts-node, compiled JS and Jest all see the same migrations. */
export const MIGRATIONS = [Initial1764000000000, IncidentDeadlines1764000000001];
