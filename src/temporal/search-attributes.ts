import type { Config } from '../config';
import { organizationSearchAttributes } from '../shared/search-attributes';

/**
 * The search attributes every workflow this service starts carries. One switch
 * (TEMPORAL_SEARCH_ATTRIBUTES) for servers that lack `OrganizationId`, e.g.
 * Temporal's time-skipping test server; workflows started from workflows copy
 * their parent's attributes instead.
 */
export function startAttributes(config: Pick<Config, 'TEMPORAL_SEARCH_ATTRIBUTES'>, organizationId: string) {
  return config.TEMPORAL_SEARCH_ATTRIBUTES ? organizationSearchAttributes(organizationId) : undefined;
}
