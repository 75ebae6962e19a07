import { Button, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema';
import { ProblemAlert, useApiForm } from '../../ui/forms';
import { useFormat } from '../../ui/format';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { toInstant, useAllResources, useDeclareMaintenance, useMaintenance } from './api';
import { notify } from '../../ui/notify';

type Period = components['schemas']['MaintenancePeriod'];

/** Maintenance periods: declare one (affected members and subscribed managers are told), list them. */
export function MaintenanceTab() {
  const { t } = useTranslation('notifications');
  const fmt = useFormat();
  const resources = useAllResources();
  const [page, setPage] = useState(1);
  const list = useMaintenance(page);
  const declare = useDeclareMaintenance();
  const { form, problem, onSubmit: submit } = useApiForm<{ resourceId: string | null; start: string | null; end: string | null; reason: string }>(
    { mode: 'controlled', initialValues: { resourceId: null, start: null, end: null, reason: '' } },
    async (v, f) => {
      const r = await declare.mutateAsync({ params: { path: { id: v.resourceId ?? '' } }, body: { start: toInstant(v.start), end: toInstant(v.end), reason: v.reason } });
      f.reset();
      notify('green', t('maintenance.declared', { bookings: r.affectedBookings.length, members: r.notifiedMembers.length }));
    },
  );
  const columns: Column<Period>[] = [
    { key: 'resource', header: t('bookings.resource'), render: (m) => m.resource.name },
    { key: 'from', header: t('maintenance.from'), render: (m) => fmt.dateTime(m.start) },
    { key: 'to', header: t('maintenance.to'), render: (m) => fmt.dateTime(m.end) },
    { key: 'reason', header: t('maintenance.reason'), visibleFrom: 'sm', render: (m) => <Text size="sm">{m.reason}</Text> },
  ];
  return (
    <Stack>
      <Paper withBorder p="md">
        <form onSubmit={submit} noValidate aria-labelledby="new-maintenance">
          <Title order={2} size="h4" id="new-maintenance" mb="xs">{t('maintenance.new')}</Title>
          <ProblemAlert problem={problem} />
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} style={{ alignItems: 'end' }}>
            <Select label={t('bookings.resource')} required data={(resources.data?.items ?? []).map((r) => ({ value: r.id, label: r.name }))} {...form.getInputProps('resourceId')} />
            <DateTimePicker label={t('maintenance.from')} required {...form.getInputProps('start')} />
            <DateTimePicker label={t('maintenance.to')} required {...form.getInputProps('end')} />
            <TextInput label={t('maintenance.reason')} required {...form.getInputProps('reason')} />
            <Button type="submit" loading={form.submitting}>{t('maintenance.declare')}</Button>
          </SimpleGrid>
          <Text size="sm" mt="xs">{t('maintenance.note')}</Text>
        </form>
      </Paper>
      <PagedTable label={t('maintenance.title')} columns={columns} query={list} page={page} onPage={setPage} rowKey={(m) => m.id} empty={t('maintenance.empty')} />
    </Stack>
  );
}
