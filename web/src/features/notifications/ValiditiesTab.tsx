import { Badge, Button, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema';
import { ProblemAlert, useApiForm } from '../../ui/forms';
import { useFormat } from '../../ui/format';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { toInstant, useCreateValidity, useValidities } from './api';
import { MemberSelect } from './MemberSelect';
import { notify } from '../../ui/notify';

type Validity = components['schemas']['Validity'];

/** Validities (medical visit, licence…): soonest to expire first, with the reminders already sent; add one. */
export function ValiditiesTab() {
  const { t } = useTranslation('notifications');
  const fmt = useFormat();
  const [page, setPage] = useState(1);
  const list = useValidities(page);
  const create = useCreateValidity();
  const { form, problem, onSubmit: submit } = useApiForm<{ memberId: string | null; kind: string; expiresAt: string | null }>({ mode: 'controlled', initialValues: { memberId: null, kind: '', expiresAt: null } }, async (v, f) => {
    await create.mutateAsync({ body: { memberId: v.memberId ?? '', kind: v.kind, expiresAt: toInstant(v.expiresAt) } });
    f.reset();
    notify('green', t('validities.created'));
  });
  // "Expired" is judged against when the tab opened (a render must not read the clock).
  const [now] = useState(Date.now);
  const columns: Column<Validity>[] = [
    { key: 'member', header: t('bookings.member'), render: (v) => v.member.name },
    { key: 'kind', header: t('validities.kind'), render: (v) => v.kind },
    { key: 'expires', header: t('validities.expiresAt'), render: (v) => <>{fmt.date(v.expiresAt)} {Date.parse(v.expiresAt) < now ? <Badge variant="dot" color="red">{t('validities.expired')}</Badge> : null}</> },
    { key: 'alerts', header: t('validities.alerts'), visibleFrom: 'sm', render: (v) => (v.alertsSent.length ? t('validities.alertsSent', { count: v.alertsSent.length, last: fmt.date(v.alertsSent[0]!.sentAt) }) : '—') },
  ];
  return (
    <Stack>
      <Paper withBorder p="md">
        <form onSubmit={submit} noValidate aria-labelledby="new-validity">
          <Title order={2} size="h4" id="new-validity" mb="xs">{t('validities.new')}</Title>
          <ProblemAlert problem={problem} />
          <SimpleGrid cols={{ base: 1, sm: 4 }} style={{ alignItems: 'end' }}>
            <MemberSelect label={t('bookings.member')} required value={form.values.memberId} onChange={(id) => form.setFieldValue('memberId', id)} error={form.errors.memberId as string | undefined} />
            <TextInput label={t('validities.kind')} placeholder={t('validities.kindExample')} required {...form.getInputProps('kind')} />
            <DatePickerInput label={t('validities.expiresAt')} required {...form.getInputProps('expiresAt')} />
            <Button type="submit" loading={create.isPending}>{t('create', { ns: 'ui' })}</Button>
          </SimpleGrid>
          <Text size="sm" mt="xs">{t('validities.note')}</Text>
        </form>
      </Paper>
      <PagedTable label={t('validities.title')} columns={columns} query={list} page={page} onPage={setPage} rowKey={(v) => v.id} empty={t('validities.empty')} />
    </Stack>
  );
}
