import { Anchor, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../ui/format';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { useBatches, type BatchSummary } from './api';
import { BatchStatusBadge } from './badges';
import { monthName } from './month';

/** Every batch sent, newest first. */
export function HistoryPage() {
  const { t } = useTranslation('invoices');
  const fmt = useFormat();
  const [page, setPage] = useState(1);
  const q = useBatches(page);
  const columns: Column<BatchSummary>[] = [
    { key: 'createdAt', header: t('history.startedAt'), render: (b) => <Anchor component={Link} to={`/invoices/batches/${b.id}`} size="sm">{fmt.dateTime(b.createdAt)}</Anchor> },
    { key: 'period', header: t('period'), render: (b) => monthName(fmt.locale, b.period) },
    { key: 'structure', header: t('structure'), visibleFrom: 'sm', render: (b) => b.structureName },
    { key: 'status', header: t('items.status'), render: (b) => <BatchStatusBadge status={b.status} /> },
    { key: 'counts', header: t('history.counts'), render: (b) => <Text size="sm">{t('history.countsValue', { sent: fmt.count(b.counts.sent), total: fmt.count(b.total), failed: fmt.count(b.counts.failed) })}</Text> },
    { key: 'resend', header: t('history.kind'), visibleFrom: 'md', render: (b) => (b.parentBatchId ? t('history.resend') : t('history.first')) },
  ];
  return <PagedTable label={t('history.title')} columns={columns} data={q.data} page={page} onPage={setPage} rowKey={(b) => b.id} loading={q.isFetching} error={q.error} empty={t('history.empty')} />;
}
