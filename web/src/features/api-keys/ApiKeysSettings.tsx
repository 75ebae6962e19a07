import { Alert, Badge, Button, Code, CopyButton, Group, Modal, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { applyProblem, ProblemAlert } from '../../ui/forms';
import { useFormat } from '../../ui/format';
import { PagedTable } from '../../ui/PagedTable';
import { STATUS_COLORS } from '../../ui/colors';

function CreateKey({ onClose }: { onClose(): void }) {
  const { t } = useTranslation('api-keys');
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [key, setKey] = useState<string | null>(null);
  const form = useForm({ mode: 'uncontrolled', initialValues: { name: '', role: 'staff' as string } });
  const submit = form.onSubmit(async (v) => {
    setProblem(null);
    const res = await fetchClient.POST('/api/v1/api-keys', { body: { name: v.name, role: v.role as never } });
    if (res.error) return setProblem(applyProblem(form, res.error));
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/api-keys'] });
    setKey(res.data.key);
  });
  if (key) {
    return (
      <Stack>
        <Alert color="yellow" title={t('shownOnce')}>
          {t('shownOnceHelp')}
        </Alert>
        <Code block data-testid="new-api-key" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
          {key}
        </Code>
        <Group justify="space-between">
          <CopyButton value={key}>{({ copied, copy }) => <Button variant="light" onClick={copy}>{copied ? t('copied', { ns: 'ui' }) : t('copy', { ns: 'ui' })}</Button>}</CopyButton>
          <Button onClick={onClose}>{t('close', { ns: 'ui' })}</Button>
        </Group>
      </Stack>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <ProblemAlert problem={problem} />
        <TextInput label={t('name')} description={t('nameHelp')} required data-autofocus {...form.getInputProps('name')} />
        <Select label={t('role')} allowDeselect={false} data={['staff', 'admin'].map((r) => ({ value: r, label: t(`roleName.${r}`) }))} {...form.getInputProps('role')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('cancel', { ns: 'ui' })}
          </Button>
          <Button type="submit" loading={form.submitting}>
            {t('create', { ns: 'ui' })}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ApiKeysSettings() {
  const { t } = useTranslation('api-keys');
  const fmt = useFormat();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const q = $api.useQuery('get', '/api/v1/api-keys', { params: { query: { page } } });
  const revoke = async (id: string) => {
    const res = await fetchClient.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } });
    if (res.error) notifications.show({ color: 'red', message: asProblem(res.error).detail });
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/api-keys'] });
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('title')}
        </Title>
        <Button leftSection={<IconKey size={16} />} onClick={() => setCreating(true)}>
          {t('new')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('help')}
      </Text>
      <PagedTable
        label={t('title')}
        data={q.data}
        page={page}
        onPage={setPage}
        loading={q.isFetching}
        error={q.error}
        rowKey={(k) => k.id}
        empty={t('empty')}
        columns={[
          { key: 'name', header: t('name'), render: (k) => k.name },
          { key: 'prefix', header: t('prefix'), render: (k) => <Code>{k.prefix}…</Code> },
          { key: 'role', header: t('role'), render: (k) => t(`roleName.${k.role}`, { defaultValue: k.role }) },
          { key: 'created', header: t('created'), visibleFrom: 'md', render: (k) => fmt.dateTime(k.createdAt) },
          { key: 'used', header: t('lastUsed'), visibleFrom: 'md', render: (k) => fmt.dateTime(k.lastUsedAt) || '—' },
          {
            key: 'actions',
            header: t('actions'),
            render: (k) =>
              k.revokedAt ? (
                <Badge color={STATUS_COLORS.neutral}>{t('revoked')}</Badge>
              ) : (
                <Button size="xs" color="red" variant="subtle" onClick={() => void revoke(k.id)} aria-label={t('revokeKey', { name: k.name })}>
                  {t('revoke')}
                </Button>
              ),
          },
        ]}
      />
      {creating && (
        <Modal opened onClose={() => setCreating(false)} title={t('new')}>
          <CreateKey onClose={() => setCreating(false)} />
        </Modal>
      )}
    </Stack>
  );
}
