import { Anchor, Button, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconChartBar, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { asProblem } from '../../api/problem';
import { problemMessage } from '../../ui/problems/words';
import { useIsAdmin } from '../../session';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { useFormat } from '../../ui/format';
import { useSentList, useSyncNow, type SentSummary } from './api';
import { endOfDay, startOfDay } from './dates';
import { PurgeDialog } from './PurgeDialog';
import { NO_FILTERS, SentFiltersBar, type UiFilters } from './SentFiltersBar';
import { StatusBadge } from './StatusBadge';
import { BounceMailboxStatus } from './BounceMailboxStatus';
import { notify } from '../../ui/notify';
import { PageTitle } from '../../ui/PageTitle';

/** The sent-mail log: newest first, filters, status badges, sync now, bulk purge. */
export function SentLogPage() {
  const { t } = useTranslation('sent');
  const fmt = useFormat();
  const isAdmin = useIsAdmin();
  const [filters, setFilters] = useState<UiFilters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const [purging, setPurging] = useState(false);
  const list = useSentList({
    page,
    ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.template ? { template: filters.template } : {}),
    ...(filters.period[0] ? { from: startOfDay(filters.period[0]) } : {}),
    ...(filters.period[1] ? { to: endOfDay(filters.period[1]) } : {}),
  });
  const sync = useSyncNow();

  const columns: Column<SentSummary>[] = [
    // At phone width: the date short and the recipients hidden (the message page has them), so the row needs no sideways scrolling.
    {
      key: 'date',
      header: t('col.date'),
      render: (m) => (
        <>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }} visibleFrom="sm">{fmt.dateTime(m.sentAt ?? m.queuedAt)}</Text>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }} hiddenFrom="sm" title={fmt.dateTime(m.sentAt ?? m.queuedAt)}>{fmt.shortDate(m.sentAt ?? m.queuedAt)}</Text>
        </>
      ),
    },
    { key: 'status', header: t('col.status'), render: (m) => <StatusBadge status={m.status} /> },
    { key: 'to', header: t('col.to'), visibleFrom: 'sm', render: (m) => <Text size="sm" style={{ overflowWrap: 'anywhere' }}>{[...m.to, ...m.cc].join(', ')}</Text> },
    {
      key: 'subject',
      header: t('col.subject'),
      render: (m) => (
        <Anchor component={Link} to={`/sent/${m.id}`} size="sm" style={{ overflowWrap: 'anywhere' }}>
          {m.subject || t('noSubject')}
        </Anchor>
      ),
    },
    { key: 'template', header: t('col.template'), visibleFrom: 'md', render: (m) => (m.templateKey ? t(`template.${m.templateKey}`, { defaultValue: m.templateKey }) : '—') },
    {
      key: 'member',
      header: t('col.member'),
      visibleFrom: 'sm',
      render: (m) =>
        m.memberId ? (
          <Anchor component={Link} to={`/members/${m.memberId}`} size="sm">
            {t('openMember')}
          </Anchor>
        ) : (
          '—'
        ),
    },
  ];

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <PageTitle>{t('title')}</PageTitle>
        <Group gap="xs">
          <Button component={Link} to="/sent/stats" variant="default" leftSection={<IconChartBar size={16} />}>
            {t('stats.open')}
          </Button>
          <Tooltip label={t('sync.help')}>
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} />}
              loading={sync.isPending}
              onClick={() =>
                sync.mutate(
                  {},
                  {
                    onSuccess: (r) => notify('green', r.alreadyRunning ? t('sync.alreadyRunning') : t('sync.started')),
                    onError: (e) => notify('red', problemMessage(asProblem(e))),
                  },
                )
              }
            >
              {t('sync.button')}
            </Button>
          </Tooltip>
          {isAdmin ? (
            <Button color="red.9" leftSection={<IconTrash size={16} />} onClick={() => setPurging(true)}>
              {t('purge.button')}
            </Button>
          ) : null}
        </Group>
      </Group>
      {isAdmin ? <BounceMailboxStatus /> : null}
      <SentFiltersBar
        value={filters}
        onChange={(next) => {
          setFilters(next);
          setPage(1);
        }}
      />
      <PagedTable
        label={t('tableLabel')}
        columns={columns}
        data={list.data}
        page={page}
        onPage={setPage}
        rowKey={(m) => m.id}
        loading={list.isFetching}
        error={list.error}
        empty={t('empty')}
        rowProps={(m) => ({ 'data-testid': 'sent-row' , 'data-status': m.status })}
      />
      {isAdmin ? <PurgeDialog opened={purging} onClose={() => setPurging(false)} /> : null}
    </Stack>
  );
}
