import { ActionIcon, Button, Group, Stack, TagsInput, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { fetchClient } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { FormActions, ProblemAlert, useApiForm } from '../../ui/forms';
import { Dialog } from '../../ui/Dialog';

type Member = components['schemas']['Member'];

/** Create or edit a member; the API validates (addresses, duplicates) and its errors land on the fields. */
export function MemberForm({ member, onClose }: { member: Member | null; onClose(): void }) {
  const { t } = useTranslation('members');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { form, problem, onSubmit } = useApiForm({
    mode: 'controlled',
    initialValues: {
      firstName: member?.firstName ?? '',
      lastName: member?.lastName ?? '',
      licenceNumber: member?.licenceNumber ?? '',
      roles: member?.roles ?? [],
      emails: member?.emails.map((e) => ({ address: e.address, label: e.label ?? '' })) ?? [{ address: '', label: '' }],
    },
  }, async (v) => {
    const body = {
      firstName: v.firstName,
      lastName: v.lastName,
      licenceNumber: v.licenceNumber || null,
      roles: v.roles,
      emails: v.emails.filter((e) => e.address.trim()).map((e) => ({ address: e.address.trim(), label: e.label || null })),
    };
    const saved = unwrap(member ? await fetchClient.PATCH('/api/v1/members/{id}', { params: { path: { id: member.id } }, body }) : await fetchClient.POST('/api/v1/members', { body }));
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/members'] });
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/members/{id}'] });
    notifications.show({ color: 'green', message: t('saved', { ns: 'ui' }) });
    onClose();
    if (!member) void navigate(`/members/${saved.id}`);
  });

  return (
    <Dialog onClose={onClose} title={member ? t('editTitle') : t('newTitle')} size="lg">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <ProblemAlert problem={problem} />
          <Group grow align="start">
            <TextInput label={t('firstName')} required data-autofocus {...form.getInputProps('firstName')} />
            <TextInput label={t('lastName')} required {...form.getInputProps('lastName')} />
          </Group>
          <TextInput label={t('licenceNumber')} {...form.getInputProps('licenceNumber')} />
          <TagsInput label={t('roles')} description={t('rolesHelp')} {...form.getInputProps('roles')} />
          {form.values.emails.map((_, i) => (
            <Group key={i} align="end" wrap="nowrap">
              <TextInput label={t('emailN', { n: i + 1 })} type="email" style={{ flex: 2 }} {...form.getInputProps(`emails.${i}.address`)} />
              <TextInput label={t('emailLabel')} style={{ flex: 1 }} {...form.getInputProps(`emails.${i}.label`)} />
              <ActionIcon variant="subtle" color="red" mb={4} aria-label={t('removeEmail', { n: i + 1 })} onClick={() => form.removeListItem('emails', i)}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Button variant="subtle" w="fit-content" leftSection={<IconPlus size={14} />} onClick={() => form.insertListItem('emails', { address: '', label: '' })}>
            {t('addEmail')}
          </Button>
          <FormActions onCancel={onClose} submitLabel={t('save', { ns: 'ui' })} submitting={form.submitting} />
        </Stack>
      </form>
    </Dialog>
  );
}
