import { Alert, Button, Checkbox, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../../api/client';
import { asProblem, unwrap, type Problem } from '../../api/problem';
import type { components } from '../../api/schema';
import { Dialog } from '../../ui/Dialog';
import { FormActions, ProblemAlert, useApiForm } from '../../ui/forms';
import { Loading } from '../../ui/Loading';
import { PagedTable } from '../../ui/PagedTable';
import { TemplateEditor } from './TemplateEditor';

type Structure = components['schemas']['Structure'];
const INVOICE_TEMPLATE = 'invoice';

function StructureForm({ structure, onClose }: { structure: Structure | null; onClose(): void }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const { form, problem, onSubmit } = useApiForm(
    { initialValues: { name: structure?.name ?? '', senderName: structure?.senderName ?? '', senderEmail: structure?.senderEmail ?? '', replyTo: structure?.replyTo ?? '', invoiceSecondAddressCc: structure?.invoiceSecondAddressCc ?? false } },
    async (v) => {
      const body = { name: v.name, senderName: v.senderName || null, senderEmail: v.senderEmail || null, replyTo: v.replyTo || null, invoiceSecondAddressCc: v.invoiceSecondAddressCc };
      unwrap(structure ? await fetchClient.PATCH('/api/v1/structures/{id}', { params: { path: { id: structure.id } }, body }) : await fetchClient.POST('/api/v1/structures', { body }));
      await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/structures'] });
      onClose();
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ProblemAlert problem={problem} />
        <TextInput label={t('structures.name')} required data-autofocus key={form.key('name')} {...form.getInputProps('name')} />
        <Group grow align="start">
          <TextInput label={t('structures.senderName')} key={form.key('senderName')} {...form.getInputProps('senderName')} />
          <TextInput label={t('structures.senderEmail')} type="email" key={form.key('senderEmail')} {...form.getInputProps('senderEmail')} />
        </Group>
        <TextInput label={t('smtp.replyTo')} type="email" key={form.key('replyTo')} {...form.getInputProps('replyTo')} />
        <Checkbox label={t('structures.secondAddressCc')} key={form.key('invoiceSecondAddressCc')} {...form.getInputProps('invoiceSecondAddressCc', { type: 'checkbox' })} />
        <FormActions onCancel={onClose} submitLabel={t('save', { ns: 'ui' })} submitting={form.submitting} />
      </Stack>
    </form>
  );
}

/** Asks first, and says what goes with the structure; a batch still sending is the API's refusal, in the reader's words. */
function DeleteStructure({ structure, onClose, onDeleted }: { structure: Structure; onClose(): void; onDeleted(): void }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setProblem(null);
    setBusy(true);
    const res = await fetchClient.DELETE('/api/v1/structures/{id}', { params: { path: { id: structure.id } } });
    setBusy(false);
    if (res.error) return setProblem(asProblem(res.error));
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/structures'] });
    notifications.show({ message: t('structures.deleted') });
    onDeleted();
  };
  const running = problem?.reason === 'BATCH_RUNNING';
  return (
    <Dialog onClose={onClose} title={t('structures.deleteTitle', { name: structure.name })} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }}>
      <Stack>
        <Text size="sm">{t('structures.deleteText')}</Text>
        {running ? (
          <Alert color="red" role="alert" data-testid="delete-refused">
            {t('structures.deleteRunning', { period: String(problem.period ?? '') })}
          </Alert>
        ) : (
          <ProblemAlert problem={problem} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('cancel', { ns: 'ui' })}
          </Button>
          <Button color="red" loading={busy} disabled={running} onClick={() => void remove()}>
            {t('structures.deleteConfirm')}
          </Button>
        </Group>
      </Stack>
    </Dialog>
  );
}

function InvoiceTemplate({ structure }: { structure: Structure }) {
  const { t } = useTranslation('settings');
  const q = $api.useQuery('get', '/api/v1/templates', { params: { query: { structureId: structure.id } } });
  const template = q.data?.find((x) => x.key === INVOICE_TEMPLATE);
  if (q.isPending) return <Loading />;
  if (!template) return null;
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h4" mb="sm">
        {t('structures.invoiceTemplate', { name: structure.name })}
      </Title>
      <TemplateEditor key={`${structure.id}:${template.source}`} template={template} structureId={structure.id} />
    </Paper>
  );
}

export function StructuresSettings() {
  const { t } = useTranslation('settings');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Structure | 'new' | null>(null);
  const [selected, setSelected] = useState<Structure | null>(null);
  const [deleting, setDeleting] = useState<Structure | null>(null);
  const q = $api.useQuery('get', '/api/v1/structures', { params: { query: { page } } });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('section.structures')}
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
          {t('structures.new')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('structures.help')}
      </Text>
      <PagedTable
        label={t('section.structures')}
        data={q.data}
        page={page}
        onPage={setPage}
        loading={q.isFetching}
        error={q.error}
        rowKey={(s) => s.id}
        empty={t('structures.empty')}
        columns={[
          { key: 'name', header: t('structures.name'), render: (s) => s.name },
          { key: 'sender', header: t('structures.sender'), render: (s) => [s.senderName, s.senderEmail && `<${s.senderEmail}>`].filter(Boolean).join(' ') },
          { key: 'replyTo', header: t('smtp.replyTo'), visibleFrom: 'sm', render: (s) => s.replyTo },
          {
            key: 'actions',
            header: t('structures.actions'),
            render: (s) => (
              <Group gap="xs" wrap="nowrap">
                <Button size="xs" variant="default" onClick={() => setEditing(s)} aria-label={`${t('edit', { ns: 'ui' })} ${s.name}`}>
                  {t('edit', { ns: 'ui' })}
                </Button>
                <Button size="xs" variant="light" onClick={() => setSelected(s)} aria-label={t('structures.invoiceTemplate', { name: s.name })}>
                  {t('structures.template')}
                </Button>
                <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={() => setDeleting(s)} aria-label={t('structures.deleteLabel', { name: s.name })}>
                  {t('structures.delete')}
                </Button>
              </Group>
            ),
          },
        ]}
      />
      {selected && <InvoiceTemplate structure={selected} />}
      {deleting && (
        <DeleteStructure
          structure={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            if (selected?.id === deleting.id) setSelected(null);
            setDeleting(null);
          }}
        />
      )}
      {editing && (
        <Dialog onClose={() => setEditing(null)} title={editing === 'new' ? t('structures.new') : t('structures.edit')} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }}>
          <StructureForm structure={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
        </Dialog>
      )}
    </Stack>
  );
}
