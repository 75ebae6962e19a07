import { Button, Code, CopyButton, Divider, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import type { components } from '../../api/schema';
import { applyProblem, ProblemAlert } from '../../ui/forms';
import { Loading } from '../../ui/Loading';
import { OAuthButtons } from './OAuthButtons';
import { PresetPicker, ServerFields, ServerFormFooter, useServerForm, type Security } from './ServerSettings';

type Account = components['schemas']['SmtpAccount'];

function SmtpForm({ account }: { account: Account | null }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const presets = $api.useQuery('get', '/api/v1/settings/smtp/presets');
  const [preset, setPreset] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      host: account?.host ?? '',
      port: (account?.port ?? 465) as number | string,
      security: (account?.security ?? 'ssl') as string,
      username: account?.username ?? '',
      password: '',
      fromAddress: account?.fromAddress ?? '',
      fromName: account?.fromName ?? '',
      replyTo: account?.replyTo ?? '',
    },
  });
  const body = () => {
    const v = form.getValues();
    return {
      host: v.host || undefined,
      port: v.port === '' ? undefined : Number(v.port),
      security: v.security as Security,
      username: v.username || null,
      ...(v.password ? { password: v.password } : {}),
      fromAddress: v.fromAddress,
      fromName: v.fromName || null,
      replyTo: v.replyTo || null,
    };
  };
  const state = useServerForm(form, {
    verify: () => fetchClient.POST('/api/v1/settings/smtp/verify', { body: { settings: body() } }),
    save: () => fetchClient.PUT('/api/v1/settings/smtp', { body: body() }),
    onSaved: async () => {
      await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/settings/smtp'] });
      form.setFieldValue('password', '');
      notifications.show({ color: 'green', message: t('saved', { ns: 'ui' }) });
    },
  });

  return (
    <form onSubmit={state.save} noValidate>
      <Stack>
        <PresetPicker
          presets={presets.data ?? []}
          value={preset}
          onChange={setPreset}
          form={form}
        />
        <ServerFields form={form} kind="smtp" passwordDescription={account?.passwordSet ? t('smtp.passwordKept') : undefined} />
        <Group grow align="start">
          <TextInput label={t('smtp.fromAddress')} type="email" required {...form.getInputProps('fromAddress')} />
          <TextInput label={t('smtp.fromName')} {...form.getInputProps('fromName')} />
        </Group>
        <TextInput label={t('smtp.replyTo')} type="email" {...form.getInputProps('replyTo')} />
        <ServerFormFooter kind="smtp" state={state} submitting={form.submitting} saveLabel={t('save', { ns: 'ui' })} />
      </Stack>
    </form>
  );
}

function DkimSection() {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const dkim = $api.useQuery('get', '/api/v1/settings/dkim', {}, { retry: false });
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({ mode: 'uncontrolled', initialValues: { domain: '', selector: 'mailroom' } });
  const submit = form.onSubmit(async (v) => {
    setProblem(null);
    const res = await fetchClient.PUT('/api/v1/settings/dkim', { body: { ...v, generate: true } });
    if (res.error) return setProblem(applyProblem(form, res.error));
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/settings/dkim'] });
  });
  if (dkim.isPending) return <Loading />;
  if (dkim.data) {
    const r = dkim.data.dnsRecord;
    return (
      <Stack gap="xs">
        <Text size="sm">{t('dkim.publish', { domain: dkim.data.domain })}</Text>
        <Text size="sm" fw={500}>
          {t('dkim.name')}
        </Text>
        <Code block>{r.name}</Code>
        <Text size="sm" fw={500}>
          {t('dkim.value')} ({r.type})
        </Text>
        <Code block style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
          {r.value}
        </Code>
        <CopyButton value={r.value}>
          {({ copied, copy }) => (
            <Button size="xs" variant="light" w="fit-content" onClick={copy}>
              {copied ? t('copied', { ns: 'ui' }) : t('copy', { ns: 'ui' })}
            </Button>
          )}
        </CopyButton>
      </Stack>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">{t('dkim.help')}</Text>
        <ProblemAlert problem={problem} />
        <Group grow align="start">
          <TextInput label={t('dkim.domain')} placeholder="aeroclub.example" required {...form.getInputProps('domain')} />
          <TextInput label={t('dkim.selector')} required {...form.getInputProps('selector')} />
        </Group>
        <Button type="submit" variant="default" w="fit-content" loading={form.submitting}>
          {t('dkim.generate')}
        </Button>
      </Stack>
    </form>
  );
}

export function SmtpSettings() {
  const { t } = useTranslation('settings');
  const q = $api.useQuery('get', '/api/v1/settings/smtp');
  if (q.isPending) return <Loading />;
  if (q.isError) return <ProblemAlert problem={asProblem(q.error)} />;
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('section.smtp')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('smtp.effective', { label: q.data.effective.label, from: q.data.effective.from })}
      </Text>
      <Paper withBorder p="md">
        <Title order={3} size="h4" mb="sm">
          {t('smtp.title')}
        </Title>
        <SmtpForm account={q.data.account} />
      </Paper>
      <Paper withBorder p="md">
        <Title order={3} size="h4" mb="sm">
          {t('oauth.title')}
        </Title>
        <OAuthButtons target="smtp" connected={q.data.account?.oauthConnected ? { provider: q.data.account.provider === 'microsoft' ? 'microsoft' : 'gmail', address: q.data.account.fromAddress } : null} />
      </Paper>
      <Divider />
      <Paper withBorder p="md">
        <Title order={3} size="h4" mb="sm">
          {t('dkim.title')}
        </Title>
        <DkimSection />
      </Paper>
    </Stack>
  );
}
