import { ActionIcon, Button, Group, Modal, Stack, TagsInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { fetchClient } from '../../api/client';
import type { Problem } from '../../api/problem';
import type { components } from '../../api/schema';
import { applyProblem, ProblemAlert } from '../../ui/forms';

type Member = components['schemas']['Member'];

/** Create or edit a member; the API validates (addresses, duplicates) and its errors land on the fields. */
export function MemberForm({ member, onClose }: { member: Member | null; onClose(): void }) {
  const { t } = useTranslation('members');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      firstName: member?.firstName ?? '',
      lastName: member?.lastName ?? '',
      licenceNumber: member?.licenceNumber ?? '',
      roles: member?.roles ?? [],
      emails: member?.emails.map((e) => ({ address: e.address, label: e.label ?? '' })) ?? [{ address: '', label: '' }],
    },
  });

  const submit = form.onSubmit(async (v) => {
    setProblem(null);
    const body = {
      firstName: v.firstName,
      lastName: v.lastName,
      licenceNumber: v.licenceNumber || null,
      roles: v.roles,
      emails: v.emails.filter((e) => e.address.trim()).map((e) => ({ address: e.address.trim(), label: e.label || null })),
    };
    const res = member
      ? await fetchClient.PATCH('/api/v1/members/{id}', { params: { path: { id: member.id } }, body })
      : await fetchClient.POST('/api/v1/members', { body });
    if (res.error) {
      setProblem(applyProblem(form, res.error));
      return;
    }
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/members'] });
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/members/{id}'] });
    notifications.show({ color: 'green', message: t('saved', { ns: 'ui' }) });
    onClose();
    if (!member && res.data) void navigate(`/members/${res.data.id}`);
  });

  return (
    <Modal opened onClose={onClose} title={member ? t('editTitle') : t('newTitle')} size="lg">
      <form onSubmit={submit} noValidate>
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
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cancel', { ns: 'ui' })}
            </Button>
            <Button type="submit" loading={form.submitting}>
              {t('save', { ns: 'ui' })}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
