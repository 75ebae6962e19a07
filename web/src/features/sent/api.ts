import { keepPreviousData, useQueryClient } from '@tanstack/react-query';
import { $api } from '../../api/client';
import type { components, paths } from '../../api/schema';

export type SentSummary = components['schemas']['SentEmailSummary'];
export type SentStatus = SentSummary['status'];
export const SENT_STATUSES: SentStatus[] = ['queued', 'sending', 'sent', 'failed', 'bounced', 'cancelled'];
export type PurgeableStatus = NonNullable<NonNullable<paths['/api/v1/sent-emails']['delete']['parameters']['query']>['status']>;
/** The statuses the API lets a purge ask for (its document's enum: messages on their way are never purged). */
export const PURGEABLE_STATUSES: PurgeableStatus[] = ['sent', 'failed', 'bounced', 'cancelled'];

export type SentFilters = NonNullable<paths['/api/v1/sent-emails']['get']['parameters']['query']>;

const LIST = '/api/v1/sent-emails';

export const useSentList = (query: SentFilters) => $api.useQuery('get', LIST, { params: { query } }, { placeholderData: keepPreviousData });

export const useSentEmail = (id: string) => $api.useQuery('get', '/api/v1/sent-emails/{id}', { params: { path: { id } } });

export const useTemplateKeys = () => $api.useQuery('get', '/api/v1/templates', {}, { staleTime: 60_000 });

export const useDeliveryStats = (query: { from?: string; to?: string }) => $api.useQuery('get', '/api/v1/sent-emails/stats', { params: { query } });

export const useTimeline = (query: { from?: string; to?: string }) => $api.useQuery('get', '/api/v1/sent-emails/stats/timeline', { params: { query } });

export const usePurgeCount = (query: { before: string; status?: PurgeableStatus } | null) =>
  $api.useQuery('get', '/api/v1/sent-emails/purge-count', { params: { query: query ?? { before: '' } } }, { enabled: query !== null, staleTime: 0 });

/** Every view of the sent log is stale after a purge or a sync. */
function useInvalidateSent() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ predicate: (q) => typeof q.queryKey[1] === 'string' && q.queryKey[1].startsWith(LIST) });
}

export function usePurge() {
  const invalidate = useInvalidateSent();
  return $api.useMutation('delete', LIST, { onSuccess: invalidate });
}

export function useSyncNow() {
  const invalidate = useInvalidateSent();
  return $api.useMutation('post', '/api/v1/sent-emails/sync', { onSuccess: invalidate });
}
