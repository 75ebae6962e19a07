import { Button, Center, Group, Loader, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert, useApiForm } from '../../ui/forms';
import { useFormat } from '../../ui/format';
import { useBalance, usePreferences, useSaveBalance, useSavePreferences } from './api';
import { MemberSelect } from './MemberSelect';
import { notify } from '../../ui/notify';

const KINDS = ['bookings', 'reminders', 'maintenance', 'validity', 'balance'] as const;
const MODES = ['none', 'immediate', 'digest'] as const;

function PreferencesForm({ memberId }: { memberId: string }) {
  const { t } = useTranslation('notifications');
  const prefs = usePreferences(memberId);
  const save = useSavePreferences();
  const { form, problem, onSubmit: submit } = useApiForm(
    { mode: 'controlled', initialValues: { bookings: true, reminders: true, maintenance: true, validity: true, balance: true, reminderLeadMinutes: null as number | null, subscribeBookings: 'none', subscribeMaintenance: false, subscribeValidities: 'none' } },
    async (v) => {
      await save.mutateAsync({ params: { path: { id: memberId } }, body: { ...v, subscribeBookings: v.subscribeBookings as (typeof MODES)[number], subscribeValidities: v.subscribeValidities as (typeof MODES)[number] } });
      notify('green', t('saved', { ns: 'ui' }));
    },
  );
  // Mantine's setValues and resetDirty are stable callbacks (the form object itself is new each render).
  const { setValues, resetDirty } = form;
  useEffect(() => {
    if (prefs.data) {
      const { passwordReset: _always, ...rest } = prefs.data;
      setValues(rest);
      resetDirty(rest);
    }
  }, [prefs.data, setValues, resetDirty]);
  if (prefs.isPending) return <Center py="md"><Loader size="sm" aria-label={t('loading', { ns: 'ui' })} /></Center>;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="prefs-title">
      <Title order={2} size="h5" id="prefs-title" mb="xs">{t('prefs.title')}</Title>
      <ProblemAlert problem={problem} />
      <Stack gap="xs">
        {KINDS.map((k) => <Switch key={k} label={t(`prefs.kinds.${k}`)} {...form.getInputProps(k, { type: 'checkbox' })} />)}
        <Switch label={t('prefs.kinds.passwordReset')} checked disabled description={t('prefs.passwordResetAlways')} />
        <NumberInput label={t('prefs.reminderLead')} description={t('prefs.reminderLeadHelp')} min={0} max={43200} w={260} {...form.getInputProps('reminderLeadMinutes')} value={form.values.reminderLeadMinutes ?? ''} onChange={(v) => form.setFieldValue('reminderLeadMinutes', v === '' ? null : Number(v))} />
        <Title order={3} size="h6" mt="sm">{t('prefs.managerTitle')}</Title>
        <Text size="sm">{t('prefs.managerHelp')}</Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select label={t('managers.bookings')} data={MODES.map((m) => ({ value: m, label: t(`prefs.modes.${m}`) }))} allowDeselect={false} {...form.getInputProps('subscribeBookings')} />
          <Switch mt="lg" label={t('managers.maintenance')} {...form.getInputProps('subscribeMaintenance', { type: 'checkbox' })} />
          <Select label={t('managers.validities')} data={MODES.map((m) => ({ value: m, label: t(`prefs.modes.${m}`) }))} allowDeselect={false} {...form.getInputProps('subscribeValidities')} />
        </SimpleGrid>
        <Button type="submit" w="fit-content" loading={form.submitting}>{t('save', { ns: 'ui' })}</Button>
      </Stack>
    </form>
  );
}

function BalanceForm({ memberId }: { memberId: string }) {
  const { t } = useTranslation('notifications');
  const fmt = useFormat();
  const balance = useBalance(memberId);
  const save = useSaveBalance();
  const { form, problem, onSubmit: submit } = useApiForm<{ balance: number | string; threshold: number | string }>({ mode: 'controlled', initialValues: { balance: '', threshold: '' } }, async (v) => {
    const r = await save.mutateAsync({ params: { path: { id: memberId } }, body: { balance: Number(v.balance || 0), threshold: v.threshold === '' ? null : Number(v.threshold) } });
    notify(r.alerted ? 'orange' : 'green', r.alerted ? t('balance.alerted') : t('saved', { ns: 'ui' }));
  });
  const { setValues } = form;
  useEffect(() => {
    if (balance.data) setValues({ balance: balance.data.balance ?? '', threshold: balance.data.threshold ?? '' });
  }, [balance.data, setValues]);
  if (balance.isPending) return <Center py="md"><Loader size="sm" aria-label={t('loading', { ns: 'ui' })} /></Center>;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="balance-title">
      <Title order={2} size="h5" id="balance-title" mb="xs">{t('balance.title')}</Title>
      <ProblemAlert problem={problem} />
      {balance.data?.below ? <Text size="sm" c="red.9" mb="xs">{t('balance.below', { at: balance.data.alertedAt ? fmt.dateTime(balance.data.alertedAt) : '—' })}</Text> : null}
      <Group align="flex-end" wrap="wrap">
        <NumberInput label={t('balance.balance')} decimalScale={2} {...form.getInputProps('balance')} />
        <NumberInput label={t('balance.threshold')} description={t('balance.thresholdHelp')} decimalScale={2} {...form.getInputProps('threshold')} />
        <Button type="submit" loading={form.submitting}>{t('save', { ns: 'ui' })}</Button>
      </Group>
    </form>
  );
}

/** Per member: what they receive, manager subscriptions, balance and low-balance threshold. */
export function PreferencesTab() {
  const { t } = useTranslation('notifications');
  const [memberId, setMemberId] = useState<string | null>(null);
  return (
    <Stack>
      <MemberSelect label={t('prefs.pickMember')} value={memberId} onChange={setMemberId} />
      {memberId ? (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Paper withBorder p="md"><PreferencesForm key={memberId} memberId={memberId} /></Paper>
          <Paper withBorder p="md"><BalanceForm key={memberId} memberId={memberId} /></Paper>
        </SimpleGrid>
      ) : <Text size="sm">{t('prefs.pickFirst')}</Text>}
    </Stack>
  );
}
