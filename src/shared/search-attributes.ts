import { defineSearchAttributeKey, SearchAttributeType, type TypedSearchAttributes } from '@temporalio/common';

/** Set on every workflow so operators can filter by organisation in the Temporal Web UI. */
export const ORGANIZATION_ID = defineSearchAttributeKey('OrganizationId', SearchAttributeType.KEYWORD);

export function organizationSearchAttributes(organizationId: string) {
  return [{ key: ORGANIZATION_ID, value: organizationId }] satisfies ConstructorParameters<typeof TypedSearchAttributes>[0];
}
