import { Initial1764000000000 } from './1764000000000-initial';

/** Listed explicitly (not globbed) so ts-node, compiled JS and Jest all see the same migrations. */
export const MIGRATIONS = [Initial1764000000000];
