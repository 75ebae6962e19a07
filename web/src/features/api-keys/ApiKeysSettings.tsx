import { Alert, Badge, Button, Code, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../../api/client';
import { asProblem, unwrap } from '../../api/problem';
import { problemMessage } from '../../ui/problems/words';
import { FormActions, ProblemAlert, ShownOnce, useApiForm } from '../../ui/forms';
import { useFormat } from '../../ui/format';
import { PagedTable } from '../../ui/PagedTable';
import { STATUS_COLORS } from '../../ui/colors';
import { Dialog } from '../../ui/Dialog';

const ROLES = ['staff', 'admin'] as const;

function CreateKey({ onClose }: { onClose(): void }) {
  const { t } = useTranslation('api-keys');
  const queryClient = useQueryClient();
  const [key, setKey] = useState<string | null>(null);
  const { form, problem, onSubmit } = useApiForm({ initialValues: { name: '', role: 'staff' as 'staff' | 'admin' } }, async (v) => {
    const created = unwrap(await fetchClient.POST('/api/v1/api-keys', { body: v }));
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/api-keys'] });
    setKey(created.key);
  });
  if (key) {
    const notice = (
      <Alert color="yellow" title={t('shownOnce')}>
        {t('shownOnceHelp')}
      </Alert>
    );
    return <ShownOnce value={key} notice={notice} onClose={onClose} testId="new-api-key" />;
  }
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ProblemAlert problem={problem} />
        <TextInput label={t('name')} description={t('nameHelp')} required data-autofocus key={form.key('name')} {...form.getInputProps('name')} />
        <Select label={t('role')} allowDeselect={false} data={ROLES.map((r) => ({ value: r, label: t(`roleName.${r}`) }))} key={form.key('role')} {...form.getInputProps('role')} />
        <FormActions onCancel={onClose} submitLabel={t('create', { ns: 'ui' })} submitting={form.submitting} />
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
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const q = $api.useQuery('get', '/api/v1/api-keys', { params: { query: { page } } });
  const revoke = async (id: string) => {
    setBusy(true);
    const res = await fetchClient.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } });
    setBusy(false);
    setRevoking(null);
    if (res.error) notifications.show({ color: 'red', message: problemMessage(asProblem(res.error)) });
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
        query={q}
        page={page}
        onPage={setPage}
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
                <Button size="xs" color="red" variant="subtle" onClick={() => setRevoking({ id: k.id, name: k.name })} aria-label={t('revokeKey', { name: k.name })}>
                  {t('revoke')}
                </Button>
              ),
          },
        ]}
      />
      {revoking && (
        // Asks first: software still using the key stops working at once, and a revoked key cannot come back.
        <Dialog onClose={() => setRevoking(null)} title={t('revokeTitle', { name: revoking.name })} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }}>
          <Stack>
            <Text size="sm">{t('revokeText')}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRevoking(null)}>
                {t('cancel', { ns: 'ui' })}
              </Button>
              <Button color="red" loading={busy} onClick={() => void revoke(revoking.id)}>
                {t('revoke')}
              </Button>
            </Group>
          </Stack>
        </Dialog>
      )}
      {creating && (
        <Dialog onClose={() => setCreating(false)} title={t('new')}>
          <CreateKey onClose={() => setCreating(false)} />
        </Dialog>
      )}
    </Stack>
  );
}
