import { Button, NumberInput, Paper, Select, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import type { components, paths } from '../../api/schema';
import { SESSION_KEY } from '../../session';
import { applyProblem, ProblemAlert } from '../../ui/forms';
import { Loading } from '../../ui/Loading';

type Org = components['schemas']['OrganizationSettings'];
/** The zones the API documents (its list may differ a little from this browser's). */
type TimeZone = NonNullable<NonNullable<paths['/api/v1/settings/organization']['patch']['requestBody']>['content']['application/json']['timeZone']>;

const zones = (): string[] => (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? ['Europe/Paris'];

function OrgForm({ org }: { org: Org }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: org.name, locale: org.locale, timeZone: org.timeZone, retentionDays: org.retentionDays as number | string, sendRatePerMinute: (org.sendRatePerMinute ?? '') as number | string },
  });
  const submit = form.onSubmit(async (v) => {
    setProblem(null);
    const res = await fetchClient.PATCH('/api/v1/settings/organization', {
      body: { name: v.name, locale: v.locale, timeZone: v.timeZone as TimeZone, retentionDays: Number(v.retentionDays), sendRatePerMinute: v.sendRatePerMinute === '' ? null : Number(v.sendRatePerMinute) },
    });
    if (res.error) return setProblem(applyProblem(form, res.error));
    // Dates everywhere follow the organisation's time zone and language: reload the session.
    await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    notifications.show({ color: 'green', message: t('saved', { ns: 'ui' }) });
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={520}>
        <ProblemAlert problem={problem} />
        <TextInput label={t('org.name')} required {...form.getInputProps('name')} />
        <Select label={t('org.language')} allowDeselect={false} data={[{ value: 'fr', label: 'Français' }, { value: 'en', label: 'English' }]} {...form.getInputProps('locale')} />
        <Select label={t('org.timeZone')} searchable allowDeselect={false} data={zones()} {...form.getInputProps('timeZone')} />
        <NumberInput label={t('org.retentionDays')} description={t('org.retentionHelp')} min={1} max={3650} {...form.getInputProps('retentionDays')} />
        <NumberInput label={t('org.sendRate')} description={t('org.sendRateHelp')} min={1} {...form.getInputProps('sendRatePerMinute')} />
        <Button type="submit" loading={form.submitting} w="fit-content">
          {t('save', { ns: 'ui' })}
        </Button>
      </Stack>
    </form>
  );
}

export function OrganizationSettings() {
  const { t } = useTranslation('settings');
  const q = $api.useQuery('get', '/api/v1/settings/organization');
  if (q.isPending) return <Loading />;
  if (q.isError) return <ProblemAlert problem={asProblem(q.error)} />;
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('section.organization')}
      </Title>
      <Paper withBorder p="md">
        <OrgForm org={q.data} />
      </Paper>
    </Stack>
  );
}
