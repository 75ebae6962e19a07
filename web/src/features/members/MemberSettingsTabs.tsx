import { Alert, Button, Center, Loader, NumberInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../../api/client';
import type { Problem } from '../../api/problem';
import type { components, paths } from '../../api/schema';
import { applyProblem, ProblemAlert } from '../../ui/forms';
import { useFormat } from '../../ui/format';

type BalanceBody = NonNullable<paths['/api/v1/members/{id}/balance']['put']['requestBody']>['content']['application/json'];
type Balance = components['schemas']['Balance'];

type Prefs = components['schemas']['NotificationPreferences'];
const KINDS = ['bookings', 'reminders', 'maintenance', 'validity', 'balance'] as const;

function PreferencesForm({ memberId, prefs }: { memberId: string; prefs: Prefs & { passwordReset: true } }) {
  const { t } = useTranslation('members');
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({ mode: 'uncontrolled', initialValues: { ...prefs } as Record<string, unknown> });
  const submit = form.onSubmit(async (v) => {
    setProblem(null);
    const { passwordReset: _ignored, ...body } = v;
    const res = await fetchClient.PUT('/api/v1/members/{id}/notification-preferences', { params: { path: { id: memberId } }, body: body as Prefs });
    if (res.error) setProblem(applyProblem(form, res.error));
    else notifications.show({ color: 'green', message: t('saved', { ns: 'ui' }) });
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={480}>
        <ProblemAlert problem={problem} />
        {KINDS.map((k) => (
          <Switch key={k} label={t(`prefs.${k}`)} {...form.getInputProps(k, { type: 'checkbox' })} />
        ))}
        <Switch label={t('prefs.passwordReset')} checked disabled />
        <NumberInput label={t('prefs.reminderLeadMinutes')} min={0} {...form.getInputProps('reminderLeadMinutes')} />
        <Select label={t('prefs.subscribeBookings')} data={['none', 'immediate', 'digest'].map((v) => ({ value: v, label: t(`prefs.sub.${v}`) }))} allowDeselect={false} {...form.getInputProps('subscribeBookings')} />
        <Switch label={t('prefs.subscribeMaintenance')} {...form.getInputProps('subscribeMaintenance', { type: 'checkbox' })} />
        <Select label={t('prefs.subscribeValidities')} data={['none', 'immediate', 'digest'].map((v) => ({ value: v, label: t(`prefs.sub.${v}`) }))} allowDeselect={false} {...form.getInputProps('subscribeValidities')} />
        <Button type="submit" loading={form.submitting} w="fit-content">
          {t('save', { ns: 'ui' })}
        </Button>
      </Stack>
    </form>
  );
}

export function PreferencesTab({ memberId }: { memberId: string }) {
  const q = $api.useQuery('get', '/api/v1/members/{id}/notification-preferences', { params: { path: { id: memberId } } });
  if (q.isPending) return <Center><Loader size="sm" /></Center>;
  if (q.isError) return <ProblemAlert problem={q.error as Problem} />;
  return <PreferencesForm memberId={memberId} prefs={q.data as Prefs & { passwordReset: true }} />;
}

/** The balance as recorded now, then the form to record a new one (pre-filled with it). */
export function BalanceTab({ memberId }: { memberId: string }) {
  const current = $api.useQuery('get', '/api/v1/members/{id}/balance', { params: { path: { id: memberId } } });
  if (current.isPending) return <Center py="lg"><Loader size="sm" /></Center>;
  return <BalanceForm memberId={memberId} current={current.data ?? null} onSaved={() => void current.refetch()} />;
}

function BalanceForm({ memberId, current, onSaved }: { memberId: string; current: Balance | null; onSaved(): void }) {
  const { t } = useTranslation('members');
  const fmt = useFormat();
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { balance: (current?.balance ?? 0) as number | string, threshold: (current?.threshold ?? '') as number | string, currency: 'EUR' },
  });
  const submit = form.onSubmit(async (v) => {
    setProblem(null);
    const res = await fetchClient.PUT('/api/v1/members/{id}/balance', {
      params: { path: { id: memberId } },
      body: { balance: Number(v.balance), threshold: v.threshold === '' ? null : Number(v.threshold), currency: (v.currency || undefined) as BalanceBody['currency'] },
    });
    if (res.error) setProblem(applyProblem(form, res.error));
    else onSaved();
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={420}>
        <Text size="sm" c="dimmed">{t('balanceHelp')}</Text>
        <ProblemAlert problem={problem} />
        {current?.balance != null && (
          <Alert color={current.below ? 'orange' : 'green'} role="status">
            {t(current.below ? 'balanceBelow' : 'balanceOk', { balance: fmt.amount(current.balance, form.getValues().currency) })}
          </Alert>
        )}
        <NumberInput label={t('balance')} decimalScale={2} required {...form.getInputProps('balance')} />
        <NumberInput label={t('threshold')} decimalScale={2} {...form.getInputProps('threshold')} />
        <TextInput label={t('currency')} maxLength={3} {...form.getInputProps('currency')} />
        <Button type="submit" loading={form.submitting} w="fit-content">{t('save', { ns: 'ui' })}</Button>
      </Stack>
    </form>
  );
}

export function ValiditiesTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation('members');
  const fmt = useFormat();
  const [problem, setProblem] = useState<Problem | null>(null);
  const list = $api.useQuery('get', '/api/v1/validities', { params: { query: { memberId, pageSize: 50 } } });
  const form = useForm({ mode: 'uncontrolled', initialValues: { kind: '', expiresAt: null as string | null } });
  const submit = form.onSubmit(async (v) => {
    setProblem(null);
    const res = await fetchClient.POST('/api/v1/validities', { body: { memberId, kind: v.kind, expiresAt: v.expiresAt ?? '' } as never });
    if (res.error) setProblem(applyProblem(form, res.error));
    else {
      form.reset();
      void list.refetch();
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={420}>
        <Text size="sm" c="dimmed">{t('validitiesHelp')}</Text>
        <ProblemAlert problem={problem} />
        {list.data?.items.length === 0 && <Text size="sm">{t('noValidities')}</Text>}
        {list.data?.items.map((v) => (
          <Text size="sm" key={v.id}>{t('validityAdded', { kind: v.kind, date: fmt.date(v.expiresAt) })}</Text>
        ))}
        <TextInput label={t('validityKind')} placeholder={t('validityKindPlaceholder')} required {...form.getInputProps('kind')} />
        <DateInput label={t('validityExpires')} valueFormat="L" required {...form.getInputProps('expiresAt')} />
        <Button type="submit" loading={form.submitting} w="fit-content">{t('add')}</Button>
      </Stack>
    </form>
  );
}
