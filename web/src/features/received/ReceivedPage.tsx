import { ActionIcon, Badge, Box, Group, SegmentedControl, Stack, Text, TextInput, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconEye, IconPaperclip, IconPencil, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { $api } from '../../api/client';
import type { components } from '../../api/schema';
import { useFormat } from '../../ui/format';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { AssignModal } from './AssignModal';
import { MailboxStatus } from './MailboxStatus';
import { MemberName } from './MemberName';
import { STATUS_COLORS } from '../../ui/colors';
import { PageTitle } from '../../ui/PageTitle';

type Mail = components['schemas']['ReceivedMailSummary'];
export const FILTERS = ['all', 'unassigned', 'assigned', 'quarantined'] as const;
type Filter = (typeof FILTERS)[number];

const filterQuery = (f: Filter) => (f === 'assigned' ? { assigned: 'true' as const } : f === 'unassigned' ? { assigned: 'false' as const } : f === 'quarantined' ? { category: 'quarantined' as const } : {});

/** Why a mail is not on a member, from the API's reason code (e.g. "no member has the address …"), in the reader's language. */
export function UnassignedReason({ mail }: { mail: Pick<Mail, 'reasonCode' | 'reasonParams'> }) {
  const { t } = useTranslation('received');
  const reason = mail.reasonCode ? t(`reason.${mail.reasonCode}`, { ...(mail.reasonParams ?? {}), defaultValue: t('reason.OTHER', { detail: '' }) }) : '';
  return (
    <Text size="sm" c="red.9" data-reason={mail.reasonCode ?? undefined}>
      {t('notAssigned')}
      {reason ? ` — ${reason}` : ''}
    </Text>
  );
}

export function ReceivedPage() {
  const { t } = useTranslation('received');
  const fmt = useFormat();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [filter, setFilter] = useState<Filter>('all');
  const [assigning, setAssigning] = useState<Mail | null>(null);
  const query = $api.useQuery('get', '/api/v1/received-mails', { params: { query: { page, q: q || undefined, ...filterQuery(filter) } } }, { placeholderData: (prev) => prev });

  const columns: Column<Mail>[] = [
    // At phone width the row keeps date, sender, subject and the actions without scrolling sideways:
    // the date short, the sender by name only, the words wrapping, the paperclip and the member hidden.
    {
      key: 'date',
      header: t('col.date'),
      render: (m) => (
        <>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }} visibleFrom="sm">{fmt.dateTime(m.date ?? m.receivedAt)}</Text>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }} hiddenFrom="sm" title={fmt.dateTime(m.date ?? m.receivedAt)}>{fmt.shortDate(m.date ?? m.receivedAt)}</Text>
        </>
      ),
    },
    {
      key: 'from',
      header: t('col.from'),
      render: (m) => (
        <>
          <Text size="sm" visibleFrom="sm" style={{ overflowWrap: 'anywhere' }}>{m.fromName ? `${m.fromName} <${m.from}>` : m.from}</Text>
          <Text size="sm" hiddenFrom="sm" title={m.from ?? undefined} style={{ overflowWrap: 'anywhere' }}>{m.fromName || m.from}</Text>
        </>
      ),
    },
    {
      key: 'subject',
      header: t('col.subject'),
      render: (m) => (
        <Group gap={4} wrap="nowrap">
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>{m.subject || t('noSubject')}</Text>
          {m.attachments > 0 && (
            <Tooltip label={t('attachments', { count: m.attachments })}>
              <Box visibleFrom="sm">
                <IconPaperclip size={16} aria-label={t('attachments', { count: m.attachments })} role="img" />
              </Box>
            </Tooltip>
          )}
        </Group>
      ),
    },
    {
      key: 'member',
      header: t('col.member'),
      visibleFrom: 'sm',
      render: (m) => (m.memberId ? <MemberName id={m.memberId} /> : m.category === 'quarantined' ? <Badge color={STATUS_COLORS.neutral}>{t('filter.quarantined')}</Badge> : <UnassignedReason mail={m} />),
    },
    {
      key: 'actions',
      header: <VisuallyHidden>{t("col.actions")}</VisuallyHidden>,
      render: (m) => (
        <Group gap={4} wrap="nowrap" justify="flex-end">
          <Tooltip label={t('assign')}>
            <ActionIcon variant="subtle" aria-label={t('assignMail', { subject: m.subject ?? '' })} onClick={() => setAssigning(m)}>
              <IconPencil size={18} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label={t('open')}>
            <ActionIcon variant="subtle" component={Link} to={`/received/${m.id}`} aria-label={t('openMail', { subject: m.subject ?? '' })}>
              <IconEye size={18} />
            </ActionIcon>
          </Tooltip>
        </Group>
      ),
    },
  ];

  return (
    <Stack>
      <PageTitle>{t('title')}</PageTitle>
      <MailboxStatus />
      <Group align="end" wrap="wrap">
        <TextInput
          label={t('search')}
          placeholder={t('searchPlaceholder')}
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setPage(1);
          }}
          w={{ base: '100%', sm: 360 }}
          type="search"
        />
        <SegmentedControl
          aria-label={t('filterLabel')}
          value={filter}
          onChange={(v) => {
            setFilter(v as Filter);
            setPage(1);
          }}
          data={FILTERS.map((f) => ({ value: f, label: t(`filter.${f}`) }))}
        />
      </Group>
      <PagedTable
        label={t('title')}
        columns={columns}
        data={query.data}
        page={page}
        onPage={setPage}
        rowKey={(m) => m.id}
        loading={query.isFetching}
        error={query.error}
        empty={q ? t('emptySearch') : t('empty')}
        rowProps={(m) => ({ 'data-mail-id': m.id })}
      />
      {assigning && <AssignModal mail={assigning} onClose={() => setAssigning(null)} />}
    </Stack>
  );
}
