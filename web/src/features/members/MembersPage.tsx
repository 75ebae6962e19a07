import { ActionIcon, Anchor, Badge, Button, Group, Stack, Text, TextInput, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPencil, IconPlus, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { $api } from '../../api/client';
import type { components } from '../../api/schema';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { MemberForm } from './MemberForm';
import { STATUS_COLORS } from '../../ui/colors';
import { useReasons } from '../../ui/reasons/Reasons';
import { PageTitle } from '../../ui/PageTitle';

type Member = components['schemas']['Member'];

export function MembersPage() {
  const { t } = useTranslation('members');
  const reasons = useReasons();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [editing, setEditing] = useState<Member | 'new' | null>(null);
  const query = $api.useQuery('get', '/api/v1/members', { params: { query: { page, q: q || undefined } } }, { placeholderData: (prev) => prev });

  const columns: Column<Member>[] = [
    {
      key: 'name',
      header: t('col.name'),
      render: (m) => (
        <Anchor component={Link} to={`/members/${m.id}`} size="sm">
          {m.lastName} {m.firstName}
        </Anchor>
      ),
    },
    { key: 'licence', header: t('col.licence'), render: (m) => <Text size="sm">{m.licenceNumber ?? ''}</Text> },
    {
      key: 'emails',
      header: t('col.emails'),
      visibleFrom: 'sm',
      render: (m) => (
        <Group gap={4}>
          {m.emails.map((e) => (
            <Badge key={e.address} variant="outline" color={e.invalid ? STATUS_COLORS.error : STATUS_COLORS.neutral} tt="none" title={e.invalid ? (reasons.address(e.invalidBecause) ?? t('invalid')) : undefined}>
              {e.address}
            </Badge>
          ))}
        </Group>
      ),
    },
    { key: 'roles', header: t('col.roles'), visibleFrom: 'md', render: (m) => <Text size="sm">{m.roles.join(', ')}</Text> },
    {
      key: 'actions',
      header: <VisuallyHidden>{t('col.actions')}</VisuallyHidden>,
      render: (m) => (
        <Tooltip label={t('edit', { ns: 'ui' })}>
          <ActionIcon variant="subtle" aria-label={t('editMember', { name: `${m.firstName} ${m.lastName}` })} onClick={() => setEditing(m)}>
            <IconPencil size={18} />
          </ActionIcon>
        </Tooltip>
      ),
    },
  ];

  return (
    <Stack>
      <Group justify="space-between">
        <PageTitle>{t('title')}</PageTitle>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
          {t('new')}
        </Button>
      </Group>
      <TextInput
        label={t('search')}
        placeholder={t('searchPlaceholder')}
        leftSection={<IconSearch size={16} />}
        type="search"
        value={search}
        w={{ base: '100%', sm: 360 }}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
          setPage(1);
        }}
      />
      <PagedTable label={t('title')} columns={columns} query={query} page={page} onPage={setPage} rowKey={(m) => m.id} empty={q ? t('emptySearch') : t('empty')} />
      {editing && <MemberForm member={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
