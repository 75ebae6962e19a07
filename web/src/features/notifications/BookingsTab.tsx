import { ActionIcon, Badge, Button, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { IconArrowsMove, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema';
import { asProblem } from '../../api/problem';
import { Dialog } from '../../ui/Dialog';
import { FormActions, ProblemAlert, useApiForm } from '../../ui/forms';
import { useFormat } from '../../ui/format';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { toInstant, useAllResources, useBookings, useCancelBooking, useCreateBooking, useCreateResource, useMoveBooking, type BookingFilter } from './api';
import { MemberSelect } from './MemberSelect';
import { notify } from '../../ui/notify';

type Booking = components['schemas']['BookingListItem'];
const STATUS_COLOR: Record<string, string> = { confirmed: 'green', waitlisted: 'yellow', cancelled: 'gray' };

function NewResource() {
  const { t } = useTranslation('notifications');
  const create = useCreateResource();
  const { form, problem, onSubmit: submit } = useApiForm({ initialValues: { name: '', kind: 'aircraft' } }, async (body, f) => {
    await create.mutateAsync({ body });
    f.reset();
    notify('green', t('resources.created'));
  });
  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-resource">
      <Title order={2} size="h5" id="new-resource" mb="xs">{t('resources.new')}</Title>
      <ProblemAlert problem={problem} />
      <Group align="flex-end" wrap="wrap">
        <TextInput label={t('resources.name')} required key={form.key('name')} {...form.getInputProps('name')} />
        <Select label={t('resources.kind')} data={['aircraft', 'room', 'instructor', 'vehicle', 'other'].map((k) => ({ value: k, label: t(`resources.kinds.${k}`) }))} allowDeselect={false} key={form.key('kind')} {...form.getInputProps('kind')} />
        <Button type="submit" loading={form.submitting}>{t('create', { ns: 'ui' })}</Button>
      </Group>
    </form>
  );
}

function NewBooking({ resourceId }: { resourceId: string | null }) {
  const { t } = useTranslation('notifications');
  const create = useCreateBooking();
  const { form, problem, onSubmit: submit } = useApiForm<{ memberId: string | null; start: string | null; end: string | null }>({ mode: 'controlled', initialValues: { memberId: null, start: null, end: null } }, async (v, f) => {
    const b = await create.mutateAsync({ body: { memberId: v.memberId ?? '', resourceId: resourceId ?? '', start: toInstant(v.start), end: toInstant(v.end) } });
    f.reset();
    notify('green', t(b.status === 'waitlisted' ? 'bookings.waitlistedMsg' : 'bookings.createdMsg'));
  });
  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-booking">
      <Title order={2} size="h5" id="new-booking" mb="xs">{t('bookings.new')}</Title>
      <ProblemAlert problem={problem} />
      <SimpleGrid cols={{ base: 1, sm: 4 }} style={{ alignItems: 'end' }}>
        <MemberSelect label={t('bookings.member')} required value={form.values.memberId} onChange={(id) => form.setFieldValue('memberId', id)} error={form.errors.memberId as string | undefined} />
        <DateTimePicker label={t('bookings.start')} required {...form.getInputProps('start')} />
        <DateTimePicker label={t('bookings.end')} required {...form.getInputProps('end')} />
        <Button type="submit" loading={form.submitting} disabled={!resourceId}>{t('bookings.book')}</Button>
      </SimpleGrid>
    </form>
  );
}

/** Mounted while open (`{moving && <MoveDialog …>}`): a fresh form each time, and the focus goes back to the row's button. */
function MoveDialog({ booking, onClose }: { booking: Booking; onClose(): void }) {
  const { t } = useTranslation('notifications');
  const move = useMoveBooking();
  const { form, problem, onSubmit: submit } = useApiForm<{ start: string | null; end: string | null }>({ mode: 'controlled', initialValues: { start: null, end: null } }, async (v) => {
    await move.mutateAsync({ params: { path: { id: booking.id } }, body: { ...(v.start ? { start: toInstant(v.start) } : {}), ...(v.end ? { end: toInstant(v.end) } : {}) } });
    notify('green', t('bookings.movedMsg'));
    onClose();
  });
  return (
    <Dialog onClose={onClose} title={t('bookings.moveTitle', { name: booking.member.name })} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <ProblemAlert problem={problem} />
          <DateTimePicker label={t('bookings.newStart')} {...form.getInputProps('start')} />
          <DateTimePicker label={t('bookings.newEnd')} {...form.getInputProps('end')} />
          <Text size="sm">{t('bookings.moveNote')}</Text>
          <FormActions onCancel={onClose} submitLabel={t('bookings.move')} submitting={form.submitting} />
        </Stack>
      </form>
    </Dialog>
  );
}

/** Resources, their bookings (upcoming, waiting list in the order it moves up, cancelled), book, move, cancel. */
export function BookingsTab() {
  const { t } = useTranslation('notifications');
  const fmt = useFormat();
  const resources = useAllResources();
  const [resourceId, setResourceId] = useState<string | null>(null);
  const [filter, setFilter] = useState<BookingFilter>('upcoming');
  const [page, setPage] = useState(1);
  const bookings = useBookings(resourceId, filter, page);
  const cancel = useCancelBooking();
  const [moving, setMoving] = useState<Booking | null>(null);
  const [cancelling, setCancelling] = useState<Booking | null>(null);

  const columns: Column<Booking>[] = [
    { key: 'when', header: t('bookings.when'), render: (b) => <Text size="sm">{fmt.dateTime(b.start)} → {fmt.dateTime(b.end)}</Text> },
    { key: 'member', header: t('bookings.member'), render: (b) => b.member.name },
    { key: 'resource', header: t('bookings.resource'), visibleFrom: 'sm', render: (b) => b.resource.name },
    { key: 'status', header: t('bookings.status'), render: (b) => <Badge variant="dot" color={STATUS_COLOR[b.status] ?? 'gray'}>{t(`bookings.statuses.${b.status}`)}</Badge> },
    {
      key: 'actions', header: t('bookings.actions'),
      render: (b) => b.status === 'cancelled' ? '—' : (
        <Group gap={4} wrap="nowrap">
          <Tooltip label={t('bookings.moveOf', { name: b.member.name })}><ActionIcon variant="subtle" aria-label={t('bookings.moveOf', { name: b.member.name })} onClick={() => setMoving(b)}><IconArrowsMove size={18} /></ActionIcon></Tooltip>
          <Tooltip label={t('bookings.cancelOf', { name: b.member.name })}><ActionIcon variant="subtle" color="red.9" aria-label={t('bookings.cancelOf', { name: b.member.name })} onClick={() => { cancel.reset(); setCancelling(b); }}><IconX size={18} /></ActionIcon></Tooltip>
        </Group>
      ),
    },
  ];

  return (
    <Stack>
      <Paper withBorder p="md"><NewResource /></Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="bookings-title">
        <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap">
          <Title order={2} size="h4" id="bookings-title">{t('bookings.title')}</Title>
          <Group align="flex-end" wrap="wrap">
            <Select label={t('bookings.resource')} placeholder={t('bookings.allResources')} clearable data={(resources.data?.items ?? []).map((r) => ({ value: r.id, label: r.name }))} value={resourceId} onChange={(v) => { setResourceId(v); setPage(1); }} />
            <SegmentedControl aria-label={t('bookings.show')} value={filter} onChange={(v) => { setFilter(v as BookingFilter); setPage(1); }} data={(['upcoming', 'waitlisted', 'cancelled'] as const).map((f) => ({ value: f, label: t(`bookings.filters.${f}`) }))} />
          </Group>
        </Group>
        {filter === 'waitlisted' ? <Text size="sm" mb="xs">{t('bookings.waitlistNote')}</Text> : null}
        <PagedTable label={t('bookings.title')} columns={columns} query={bookings} page={page} onPage={setPage} rowKey={(b) => b.id} empty={t('bookings.empty')} rowProps={(b) => ({ 'data-testid': 'booking-row', 'data-status': b.status })} />
      </Paper>
      <Paper withBorder p="md">{resourceId ? <NewBooking resourceId={resourceId} /> : <Text size="sm">{t('bookings.pickResource')}</Text>}</Paper>
      {moving && <MoveDialog booking={moving} onClose={() => setMoving(null)} />}
      {cancelling && (
        <Dialog onClose={() => setCancelling(null)} title={t('bookings.cancelTitle')} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }}>
          <Stack>
            <Text size="sm">{t('bookings.cancelText', { name: cancelling.member.name, resource: cancelling.resource.name, when: fmt.dateTime(cancelling.start) })}</Text>
            {cancel.error ? <ProblemAlert problem={asProblem(cancel.error)} /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setCancelling(null)}>{t('bookings.keep')}</Button>
              <Button color="red.9" loading={cancel.isPending} onClick={() => cancel.mutate({ params: { path: { id: cancelling.id } } }, { onSuccess: () => { setCancelling(null); notify('green', t('bookings.cancelledMsg')); } })}>{t('bookings.confirmCancel')}</Button>
            </Group>
          </Stack>
        </Dialog>
      )}
    </Stack>
  );
}
