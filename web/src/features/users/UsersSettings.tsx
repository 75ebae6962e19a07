import { Alert, Badge, Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../../api/client';
import { asProblem, unwrap } from '../../api/problem';
import { problemMessage } from '../../ui/problems/words';
import { useSession } from '../../session';
import { FormActions, ProblemAlert, ShownOnce, useApiForm } from '../../ui/forms';
import { useFormat } from '../../ui/format';
import { PagedTable } from '../../ui/PagedTable';
import { STATUS_COLORS } from '../../ui/colors';
import { Dialog } from '../../ui/Dialog';

const ROLES = ['staff', 'admin'] as const;

function InviteForm({ onClose }: { onClose(): void }) {
  const { t } = useTranslation('users');
  const queryClient = useQueryClient();
  const [link, setLink] = useState<string | null>(null);
  const { form, problem, onSubmit } = useApiForm({ initialValues: { email: '', name: '', role: 'staff' as (typeof ROLES)[number] } }, async ({ name, ...v }) => {
    const invited = unwrap(await fetchClient.POST('/api/v1/users/invitations', { body: { ...v, ...(name ? { name } : {}) } }));
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/users'] });
    setLink(invited.invitationUrl);
  });
  if (link) return <ShownOnce value={link} notice={<Alert color="green">{t('invited')}</Alert>} onClose={onClose} />;
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ProblemAlert problem={problem} />
        <TextInput label={t('email')} type="email" required data-autofocus key={form.key('email')} {...form.getInputProps('email')} />
        <TextInput label={t('name')} key={form.key('name')} {...form.getInputProps('name')} />
        <Select label={t('role')} allowDeselect={false} data={ROLES.map((r) => ({ value: r, label: t(`roleName.${r}`) }))} key={form.key('role')} {...form.getInputProps('role')} />
        <FormActions onCancel={onClose} submitLabel={t('send')} submitting={form.submitting} />
      </Stack>
    </form>
  );
}

export function UsersSettings() {
  const { t } = useTranslation('users');
  const fmt = useFormat();
  const me = useSession().user;
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<{ id: string; email: string } | null>(null);
  const q = $api.useQuery('get', '/api/v1/users', { params: { query: { page } } });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/users'] });
  const changeRole = async (id: string, role: string) => {
    const res = await fetchClient.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: { role: role as 'staff' | 'admin' } });
    if (res.error) notifications.show({ color: 'red', title: t('error', { ns: 'ui' }), message: problemMessage(asProblem(res.error)) });
    await refresh();
  };
  const remove = async () => {
    if (!removing) return;
    const res = await fetchClient.DELETE('/api/v1/users/{id}', { params: { path: { id: removing.id } } });
    if (res.error) notifications.show({ color: 'red', title: t('error', { ns: 'ui' }), message: problemMessage(asProblem(res.error)) });
    setRemoving(null);
    await refresh();
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('title')}
        </Title>
        <Button leftSection={<IconUserPlus size={16} />} onClick={() => setInviting(true)}>
          {t('invite')}
        </Button>
      </Group>
      <PagedTable
        label={t('title')}
        query={q}
        page={page}
        onPage={setPage}
        rowKey={(u) => u.id}
        empty={t('empty')}
        columns={[
          { key: 'name', header: t('name'), render: (u) => <Text size="sm">{u.name ?? '—'}</Text> },
          { key: 'email', header: t('email'), render: (u) => u.email },
          {
            key: 'role',
            header: t('role'),
            render: (u) => (
              <Select size="xs" w={150} aria-label={t('roleOf', { email: u.email })} allowDeselect={false} value={u.role} data={ROLES.map((r) => ({ value: r, label: t(`roleName.${r}`) }))} onChange={(r) => r && void changeRole(u.id, r)} />
            ),
          },
          { key: 'status', header: t('status'), visibleFrom: 'sm', render: (u) => <Badge color={u.status === 'active' ? STATUS_COLORS.ok : STATUS_COLORS.neutral}>{t(`statusName.${u.status}`)}</Badge> },
          { key: 'last', header: t('lastLogin'), visibleFrom: 'md', render: (u) => fmt.dateTime(u.lastLoginAt) },
          {
            key: 'actions',
            header: t('actions'),
            render: (u) =>
              u.id === me.id ? null : (
                <Button size="xs" color="red" variant="subtle" onClick={() => setRemoving(u)} aria-label={t('removeUser', { email: u.email })}>
                  {t('remove')}
                </Button>
              ),
          },
        ]}
      />
      {inviting && (
        <Dialog onClose={() => setInviting(false)} title={t('invite')}>
          <InviteForm onClose={() => setInviting(false)} />
        </Dialog>
      )}
      {removing && (
        <Dialog onClose={() => setRemoving(null)} title={t('removeTitle')}>
          <Stack>
            <Text size="sm">{t('removeConfirm', { email: removing.email })}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRemoving(null)}>
                {t('cancel', { ns: 'ui' })}
              </Button>
              <Button color="red" onClick={() => void remove()}>
                {t('remove')}
              </Button>
            </Group>
          </Stack>
        </Dialog>
      )}
    </Stack>
  );
}
