import { Alert, Button, Group, NumberInput, Paper, PasswordInput, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconPlugConnected } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../../api/client';
import type { Problem } from '../../api/problem';
import type { components } from '../../api/schema';
import { applyProblem, ProblemAlert } from '../../ui/forms';
import { Loading } from '../../ui/Loading';
import { VerifyResult } from './SmtpSettings';

type Mailbox = components['schemas']['Mailbox'];
type MailboxInput = components['schemas']['MailboxInput'];

function MailboxForm({ mailbox }: { mailbox: Mailbox | null }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [result, setResult] = useState<{ ok: boolean; message: string; hint?: string } | null>(null);
  const [testing, setTesting] = useState(false);
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
  const test = async () => {
    setProblem(null);
    setResult(null);
    setTesting(true);
    const res = await fetchClient.POST('/api/v1/settings/mailbox/verify', { body: { settings: body() } });
    setTesting(false);
    if (res.error) setProblem(applyProblem(form, res.error));
    else setResult(res.data);
  };
  const save = form.onSubmit(async () => {
    setProblem(null);
    const res = await fetchClient.PUT('/api/v1/settings/mailbox', { body: body() });
    if (res.error) return setProblem(applyProblem(form, res.error));
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/settings/mailbox'] });
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/mailbox/status'] });
    notifications.show({ color: 'green', message: t('mailbox.saved') });
  });
  return (
    <form onSubmit={save} noValidate>
      <Stack>
        <Text size="sm">{t('mailbox.help')}</Text>
        <Group grow align="start">
          <TextInput label={t('mailbox.host')} placeholder="mail.gandi.net" required {...form.getInputProps('host')} />
          <NumberInput label={t('smtp.port')} min={1} max={65535} required {...form.getInputProps('port')} />
        </Group>
        <div>
          <Text size="sm" fw={500} id="imap-security-label">
            {t('smtp.security')}
          </Text>
          <SegmentedControl aria-labelledby="imap-security-label" data={['ssl', 'starttls', 'none'].map((s) => ({ value: s, label: t(`smtp.securityName.${s}`) }))} {...form.getInputProps('security')} />
        </div>
        <Group grow align="start">
          <TextInput label={t('mailbox.username')} autoComplete="off" required {...form.getInputProps('username')} />
          <PasswordInput label={t('smtp.password')} autoComplete="new-password" description={mailbox?.passwordSet ? t('smtp.passwordKept') : t('mailbox.gmailHint')} {...form.getInputProps('password')} />
        </Group>
        <Group grow align="start">
          <TextInput label={t('mailbox.folder')} {...form.getInputProps('folder')} />
          <NumberInput label={t('mailbox.pollInterval')} min={10} {...form.getInputProps('pollIntervalSeconds')} />
        </Group>
        <Select label={t('mailbox.startMode')} allowDeselect={false} data={['all', 'new'].map((v) => ({ value: v, label: t(`mailbox.start.${v}`) }))} {...form.getInputProps('startMode')} />
        <Select label={t('mailbox.afterFiling')} allowDeselect={false} data={['leave', 'seen', 'move'].map((v) => ({ value: v, label: t(`mailbox.after.${v}`) }))} {...form.getInputProps('afterFiling')} />
        {form.values.afterFiling === 'move' && <TextInput label={t('mailbox.moveToFolder')} required {...form.getInputProps('moveToFolder')} />}
        <ProblemAlert problem={problem} />
        <VerifyResult result={result} />
        <Group>
          <Button variant="default" leftSection={<IconPlugConnected size={16} />} loading={testing} onClick={() => void test()}>
            {t('test.button')}
          </Button>
          <Button type="submit" loading={form.submitting}>
            {mailbox ? t('save', { ns: 'ui' }) : t('mailbox.connect')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function MailboxSettings() {
  const { t } = useTranslation('settings');
  const q = $api.useQuery('get', '/api/v1/settings/mailbox', {}, { retry: false });
  if (q.isPending) return <Loading />;
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('section.mailbox')}
      </Title>
      {q.isError && <Alert color="gray">{t('mailbox.notConnected')}</Alert>}
      <Paper withBorder p="md">
        <MailboxForm mailbox={q.data ?? null} />
      </Paper>
    </Stack>
  );
}
