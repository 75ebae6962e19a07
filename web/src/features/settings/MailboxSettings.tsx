import { Alert, Button, Group, Modal, NumberInput, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import type { components } from '../../api/schema';
import { ProblemAlert } from '../../ui/forms';
import { Loading } from '../../ui/Loading';
import { OAuthButtons } from './OAuthButtons';
import { PresetPicker, ServerFields, ServerFormFooter, useServerForm } from './ServerSettings';

type Mailbox = components['schemas']['Mailbox'];
type MailboxInput = components['schemas']['MailboxInput'];

const refreshMailbox = async (queryClient: ReturnType<typeof useQueryClient>) => {
  await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/settings/mailbox'] });
  await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/mailbox/status'] });
};

function MailboxForm({ mailbox, onDisconnect }: { mailbox: Mailbox | null; onDisconnect(): void }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const presets = $api.useQuery('get', '/api/v1/settings/mailbox/presets');
  const [preset, setPreset] = useState<string | null>(null);
  // Gmail and Microsoft 365 point to their sign-in: picking one offers just its button.
  const picked = presets.data?.find((p) => p.id === preset)?.oauthProvider;
  const oauthPreset = picked === 'gmail' || picked === 'microsoft' ? picked : null;
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      host: mailbox?.host ?? '',
      port: (mailbox?.port ?? 993) as number | string,
      security: mailbox?.security ?? 'ssl',
      username: mailbox?.username ?? '',
      password: '',
      folder: mailbox?.folder ?? 'INBOX',
      pollIntervalSeconds: (mailbox?.pollIntervalSeconds ?? 60) as number | string,
      startMode: mailbox?.startMode ?? 'all',
      afterFiling: mailbox?.afterFiling ?? 'leave',
      moveToFolder: mailbox?.moveToFolder ?? '',
    },
  });
  const body = (): MailboxInput => {
    const v = form.getValues();
    return {
      host: v.host,
      port: Number(v.port),
      security: v.security as MailboxInput['security'],
      username: v.username,
      ...(v.password ? { password: v.password } : {}),
      folder: v.folder,
      pollIntervalSeconds: Number(v.pollIntervalSeconds),
      startMode: v.startMode as MailboxInput['startMode'],
      afterFiling: v.afterFiling as MailboxInput['afterFiling'],
      moveToFolder: v.afterFiling === 'move' ? v.moveToFolder : null,
    };
  };
  const state = useServerForm(form, {
    verify: () => fetchClient.POST('/api/v1/settings/mailbox/verify', { body: { settings: body() } }),
    save: () => fetchClient.PUT('/api/v1/settings/mailbox', { body: body() }),
    onSaved: async () => {
      await refreshMailbox(queryClient);
      notifications.show({ color: 'green', message: t('mailbox.saved') });
    },
  });
  return (
    <form onSubmit={state.save} noValidate>
      <Stack>
        <Text size="sm">{t('mailbox.help')}</Text>
        <PresetPicker
          presets={presets.data ?? []}
          value={preset}
          onChange={setPreset}
          form={form}
        />
        <OAuthButtons
          target="mailbox"
          folder={form.values.folder}
          providers={oauthPreset ? [oauthPreset] : undefined}
          connected={mailbox?.oauthProvider ? { provider: mailbox.oauthProvider, address: mailbox.username } : null}
        />
        <ServerFields form={form} kind="imap" usernameRequired passwordDescription={mailbox?.passwordSet ? t('smtp.passwordKept') : t('mailbox.gmailHint')} />
        <Group grow align="start">
          <TextInput label={t('mailbox.folder')} {...form.getInputProps('folder')} />
          <NumberInput label={t('mailbox.pollInterval')} min={10} {...form.getInputProps('pollIntervalSeconds')} />
        </Group>
        <Select label={t('mailbox.startMode')} allowDeselect={false} data={['all', 'new'].map((v) => ({ value: v, label: t(`mailbox.start.${v}`) }))} {...form.getInputProps('startMode')} />
        <Select label={t('mailbox.afterFiling')} allowDeselect={false} data={['leave', 'seen', 'move'].map((v) => ({ value: v, label: t(`mailbox.after.${v}`) }))} {...form.getInputProps('afterFiling')} />
        {form.values.afterFiling === 'move' && <TextInput label={t('mailbox.moveToFolder')} required {...form.getInputProps('moveToFolder')} />}
        <ServerFormFooter
          kind="imap"
          state={state}
          submitting={form.submitting}
          saveLabel={mailbox ? t('save', { ns: 'ui' }) : t('mailbox.connect')}
          extra={
            mailbox && (
              <Button color="red" variant="light" leftSection={<IconPlugConnectedX size={16} />} onClick={onDisconnect}>
                {t('mailbox.disconnect')}
              </Button>
            )
          }
        />
      </Stack>
    </form>
  );
}

/** Asks first: disconnecting stops polling and forgets the password; received mail stays. */
function DisconnectDialog({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const disconnect = async () => {
    setProblem(null);
    setBusy(true);
    const res = await fetchClient.DELETE('/api/v1/settings/mailbox');
    setBusy(false);
    if (res.error) return setProblem(asProblem(res.error));
    onClose();
    await refreshMailbox(queryClient);
    notifications.show({ message: t('mailbox.disconnected') });
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('mailbox.disconnectTitle')} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }}>
      <Stack>
        <Text size="sm">{t('mailbox.disconnectText')}</Text>
        <ProblemAlert problem={problem} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('cancel', { ns: 'ui' })}
          </Button>
          <Button color="red" loading={busy} onClick={() => void disconnect()}>
            {t('mailbox.disconnectConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function MailboxSettings() {
  const { t } = useTranslation('settings');
  const [confirming, setConfirming] = useState(false);
  const q = $api.useQuery('get', '/api/v1/settings/mailbox', {}, { retry: false });
  if (q.isPending) return <Loading />;
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('section.mailbox')}
      </Title>
      {q.isError && <Alert color="gray">{t('mailbox.notConnected')}</Alert>}
      <Paper withBorder p="md">
        {/* A new form after connecting or disconnecting: its fields start from what is saved. */}
        <MailboxForm key={q.isError ? 'none' : q.data.id} mailbox={q.isError ? null : q.data} onDisconnect={() => setConfirming(true)} />
      </Paper>
      <DisconnectDialog opened={confirming} onClose={() => setConfirming(false)} />
    </Stack>
  );
}
