import { Anchor, Button, Group, List, Paper, Progress, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconPlayerPause, IconPlayerPlay, IconPlayerStop, IconRepeat } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../ui/forms';
import { useFormat } from '../../ui/format';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { LIVE_STATES, useBatch, useBatchAction, type BatchItem, type ItemStatus } from './api';
import { monthName } from './month';
import { ItemStatusBadge, BatchStatusBadge } from './badges';
import { Failure } from '../../ui/problems/Failure';
import { BackLink, PageTitle, RecordPending } from '../../ui/PageTitle';

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="gray.7">{label}</Text>
      <Text fw={700} size="xl" data-testid={testId}>{value}</Text>
    </Paper>
  );
}

/** A batch as it goes: sent, failed with reasons, rate, ETA — polled every second while it runs; pause, resume, cancel, resend the failed ones. */
export function BatchPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('invoices');
  const fmt = useFormat();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<ItemStatus | null>(null);
  const q = useBatch(id, page, status);
  const pause = useBatchAction('pause');
  const resume = useBatchAction('resume');
  const cancel = useBatchAction('cancel');
  const resend = useBatchAction('resend-failed');
  const actionError = pause.error ?? resume.error ?? cancel.error ?? resend.error;

  if (q.isPending || q.error || !q.data) return <RecordPending back="/invoices?tab=history" backLabel={t('backToInvoices')} title={t('title')} error={q.error} />;
  const b = q.data;
  const p = b.progress;
  const done = p.sent + p.failed + p.cancelled;
  const live = LIVE_STATES.includes(b.status);
  const pct = (n: number) => (p.total ? (n / p.total) * 100 : 0);
  const eta = p.etaSeconds == null ? '—' : p.etaSeconds < 60 ? t('progress.seconds', { count: p.etaSeconds }) : t('progress.minutes', { count: Math.ceil(p.etaSeconds / 60) });
  const params = { params: { path: { id } } };

  const columns: Column<BatchItem>[] = [
    { key: 'name', header: t('candidates.resident'), render: (i) => <Text size="sm" fw={500}>{i.name}</Text> },
    { key: 'number', header: t('candidates.number'), visibleFrom: 'sm', render: (i) => i.number },
    { key: 'address', header: t('items.address'), render: (i) => <Text size="sm">{i.address}{i.cc ? ` (+ ${i.cc})` : ''}</Text> },
    { key: 'status', header: t('items.status'), render: (i) => <ItemStatusBadge status={i.status} /> },
    {
      key: 'detail', header: t('items.detail'),
      render: (i) => i.error ? <Failure code={i.errorCode} params={i.errorParams} words={i.error} bounce={i.errorReason} /> : i.sentEmailId ? <Anchor component={Link} to={`/sent/${i.sentEmailId}`} size="sm">{t('items.openMessage')}</Anchor> : '—',
    },
  ];

  return (
    <Stack>
      <BackLink to="/invoices?tab=history">{t('backToInvoices')}</BackLink>
      <Group justify="space-between" wrap="wrap">
        <PageTitle size="h2">{t('batch.title', { period: monthName(fmt.locale, b.period) })}</PageTitle>
        <BatchStatusBadge status={p.state} />
      </Group>
      <Paper withBorder p="md" component="section" aria-labelledby="progress-title">
        <Title order={2} size="h4" id="progress-title" mb="sm">{t('progress.title')}</Title>
        <Progress.Root size="xl" aria-label={t('progress.label', { done: fmt.count(done), total: fmt.count(p.total) })}>
          <Progress.Section value={pct(p.sent)} color="green" aria-label={t('progress.sent')} />
          <Progress.Section value={pct(p.failed)} color="red" aria-label={t('progress.failed')} />
          <Progress.Section value={pct(p.cancelled)} color="gray" aria-label={t('progress.cancelled')} />
        </Progress.Root>
        <Text size="sm" mt="xs" aria-live="polite" data-testid="progress-summary">{t('progress.summary', { done: fmt.count(done), total: fmt.count(p.total) })}</Text>
        <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }} mt="sm">
          <Figure label={t('progress.sent')} value={fmt.number(p.sent)} testId="progress-sent" />
          <Figure label={t('progress.failed')} value={fmt.number(p.failed)} testId="progress-failed" />
          <Figure label={t('progress.pending')} value={fmt.number(p.pending)} />
          <Figure label={t('progress.cancelled')} value={fmt.number(p.cancelled)} />
          <Figure label={t('progress.rate')} value={p.ratePerMinute == null ? '—' : t('progress.perMinute', { rate: fmt.number(p.ratePerMinute) })} />
          <Figure label={t('progress.eta')} value={live ? eta : '—'} />
        </SimpleGrid>
        <Group mt="md" gap="xs">
          {b.status === 'running' ? <Button variant="default" leftSection={<IconPlayerPause size={16} />} loading={pause.isPending} onClick={() => pause.mutate(params)}>{t('actions.pause')}</Button> : null}
          {b.status === 'paused' ? <Button variant="default" leftSection={<IconPlayerPlay size={16} />} loading={resume.isPending} onClick={() => resume.mutate(params)}>{t('actions.resume')}</Button> : null}
          {live ? <Button color="red.9" leftSection={<IconPlayerStop size={16} />} loading={cancel.isPending} onClick={() => cancel.mutate(params)}>{t('actions.cancel')}</Button> : null}
          {!live && p.failed > 0 ? (
            <Button leftSection={<IconRepeat size={16} />} loading={resend.isPending} onClick={() => resend.mutate(params, { onSuccess: (r) => void navigate(`/invoices/batches/${r.id}`) })}>
              {t('actions.resendFailed', { count: p.failed, n: fmt.count(p.failed) })}
            </Button>
          ) : null}
        </Group>
        {actionError ? <ProblemAlert problem={asProblem(actionError)} /> : null}
        {p.recentFailures.length ? (
          <>
            <Text size="sm" fw={500} mt="md">{t('progress.recentFailures')}</Text>
            <List size="sm">{p.recentFailures.map((f) => <List.Item key={f.itemId}><Failure code={f.code} params={f.params} words={f.reason} bounce={f.reasonKey} /></List.Item>)}</List>
          </>
        ) : null}
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="items-title">
        <Group justify="space-between" mb="sm" wrap="wrap">
          <Title order={2} size="h4" id="items-title">{t('items.title')}</Title>
          <SegmentedControl
            aria-label={t('items.filter')}
            value={status ?? 'all'}
            onChange={(v) => { setStatus(v === 'all' ? null : (v as ItemStatus)); setPage(1); }}
            data={[{ value: 'all', label: t('items.all') }, ...(['pending', 'sent', 'failed', 'cancelled'] as const).map((s) => ({ value: s, label: t(`itemStatus.${s}`) }))]}
          />
        </Group>
        <PagedTable label={t('items.title')} columns={columns} data={b.items} page={page} onPage={setPage} rowKey={(i) => `${i.invoiceId}:${i.address}`} loading={q.isFetching && q.isPlaceholderData} empty={t('items.empty')} rowProps={(i) => ({ 'data-testid': 'batch-item', 'data-status': i.status })} />
      </Paper>
    </Stack>
  );
}
