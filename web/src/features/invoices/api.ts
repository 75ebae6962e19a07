import { keepPreviousData, useQueryClient } from '@tanstack/react-query';
import { $api } from '../../api/client';
import type { components } from '../../api/schema';

export type Candidate = components['schemas']['InvoiceCandidate'];
export type BatchProgress = components['schemas']['InvoiceBatchProgress'];
export type BatchItem = components['schemas']['InvoiceBatchItem'];
export type BatchSummary = components['schemas']['InvoiceBatchSummary'];
export type ItemStatus = BatchItem['status'];
/** States in which the batch still moves: the page polls only then. */
export const LIVE_STATES = ['running', 'paused'];
const POLL_MS = 1000;

export const useStructures = () => $api.useQuery('get', '/api/v1/structures', { params: { query: { pageSize: 100 } } }, { staleTime: 60_000 });

/** Candidates a page at a time: those with a working address, or (`without`) those who will not receive it. */
export function useCandidates(period: string | null, structureId: string | null, addresses: 'with' | 'without', page: number, pageSize: number) {
  return $api.useQuery(
    'get',
    '/api/v1/invoice-batches/candidates',
    { params: { query: { period: period ?? '', structureId: structureId ?? '', addresses, page, pageSize } } },
    { enabled: Boolean(period && structureId), placeholderData: keepPreviousData },
  );
}

/**
 * The ticked rows. `all`: every candidate of the period except `ids` (what select-all means,
 * over every page, including those never loaded); otherwise exactly `ids`.
 */
export interface Selection {
  all: boolean;
  ids: ReadonlySet<string>;
}
export const NOTHING: Selection = { all: false, ids: new Set() };
export const isTicked = (s: Selection, id: string) => s.all !== s.ids.has(id);
export const tickedCount = (s: Selection, total: number) => (s.all ? total - s.ids.size : s.ids.size);
export function tick(s: Selection, id: string, on: boolean): Selection {
  const ids = new Set(s.ids);
  // In "all" mode the set lists the rows unticked; otherwise the rows ticked.
  if (on !== s.all) ids.add(id);
  else ids.delete(id);
  return { all: s.all, ids };
}
/** What POST /invoice-batches takes for a selection: the ids, or "all but these" with the count the user confirmed. */
export const selectionBody = (s: Selection, total: number) => (s.all ? { excludeInvoiceIds: [...s.ids], expectedCount: tickedCount(s, total) } : { invoiceIds: [...s.ids] });

export const usePreview = (invoiceId: string | null) =>
  $api.useQuery('get', '/api/v1/invoice-batches/preview', { params: { query: { invoiceId: invoiceId ?? '' } } }, { enabled: Boolean(invoiceId) });

export const useStartBatch = () => $api.useMutation('post', '/api/v1/invoice-batches');

/** The batch, refetched every second while it runs or is paused — the page updates without reloading. Not after an error (a batch that is not there): each refetch would blank the page back to its spinner. */
export function useBatch(id: string, page: number, status: ItemStatus | null) {
  const q = $api.useQuery(
    'get',
    '/api/v1/invoice-batches/{id}',
    { params: { path: { id }, query: { page, ...(status ? { status } : {}) } } },
    { placeholderData: keepPreviousData, refetchInterval: (query) => (query.state.status !== 'error' && LIVE_STATES.includes(query.state.data?.status ?? 'running') ? POLL_MS : false) },
  );
  return q;
}

export const useBatches = (page: number) => $api.useQuery('get', '/api/v1/invoice-batches', { params: { query: { page } } }, { placeholderData: keepPreviousData });

/** Pause, resume, cancel, resend the failed ones: afterwards the batch and the history are read again. */
export function useBatchAction(action: 'pause' | 'resume' | 'cancel' | 'resend-failed') {
  const client = useQueryClient();
  const path = `/api/v1/invoice-batches/{id}/${action}` as '/api/v1/invoice-batches/{id}/pause';
  return $api.useMutation('post', path, {
    onSuccess: () => client.invalidateQueries({ predicate: (q) => typeof q.queryKey[1] === 'string' && q.queryKey[1].startsWith('/api/v1/invoice-batches') }),
  });
}
