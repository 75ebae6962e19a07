import { Button, Paper, PasswordInput, Select, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import type { components } from '../../api/schema';
import { applyProblem, ProblemAlert } from '../../ui/forms';
import { Loading } from '../../ui/Loading';

type Alerts = components['schemas']['AlertSettings'];

function AlertsForm({ alerts }: { alerts: Alerts }) {
  const { t } = useTranslation('settings');
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({ mode: 'uncontrolled', initialValues: { emails: alerts.emails, emailMode: alerts.emailMode as string, webhookUrl: alerts.webhookUrl ?? '', webhookSecret: '' } });
  const submit = form.onSubmit(async (v) => {
    setProblem(null);
    const res = await fetchClient.PUT('/api/v1/settings/alerts', {
      body: { emails: v.emails, emailMode: v.emailMode as Alerts['emailMode'], webhookUrl: v.webhookUrl || null, ...(v.webhookSecret ? { webhookSecret: v.webhookSecret } : {}) },
    });
    if (res.error) return setProblem(applyProblem(form, res.error));
    notifications.show({ color: 'green', message: t('saved', { ns: 'ui' }) });
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={560}>
        <Text size="sm">{t('alerts.help')}</Text>
        <ProblemAlert problem={problem} />
        <TagsInput label={t('alerts.emails')} description={t('alerts.emailsHelp')} {...form.getInputProps('emails')} />
        <Select label={t('alerts.mode')} allowDeselect={false} data={['immediate', 'hourly'].map((v) => ({ value: v, label: t(`alerts.modeName.${v}`) }))} {...form.getInputProps('emailMode')} />
        <TextInput label={t('alerts.webhookUrl')} placeholder="https://" {...form.getInputProps('webhookUrl')} />
        <PasswordInput label={t('alerts.webhookSecret')} description={alerts.webhookSecretSet ? t('smtp.passwordKept') : t('alerts.secretHelp')} autoComplete="new-password" {...form.getInputProps('webhookSecret')} />
        <Button type="submit" loading={form.submitting} w="fit-content">
          {t('save', { ns: 'ui' })}
        </Button>
      </Stack>
    </form>
  );
}

export function AlertsSettings() {
  const { t } = useTranslation('settings');
  const q = $api.useQuery('get', '/api/v1/settings/alerts');
  if (q.isPending) return <Loading />;
  if (q.isError) return <ProblemAlert problem={asProblem(q.error)} />;
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('section.alerts')}
      </Title>
      <Paper withBorder p="md">
        <AlertsForm alerts={q.data} />
      </Paper>
    </Stack>
  );
}
