import { ActionIcon, Anchor, Badge, Group, Text, Tooltip } from '@mantine/core';
import { IconDownload, IconEye } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { $api } from '../../api/client';
import type { components } from '../../api/schema';
import { useFormat } from '../../ui/format';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { STATUS_COLORS } from '../../ui/colors';
import { DocumentPreview, PreviewButton, type PreviewableDocument } from '../received/DocumentPreview';

type Mail = components['schemas']['ReceivedMailSummary'];
type Sent = components['schemas']['SentEmailSummary'];

export function ReceivedTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation('members');
  const fmt = useFormat();
  const [page, setPage] = useState(1);
  const q = $api.useQuery('get', '/api/v1/members/{id}/received-mails', { params: { path: { id: memberId }, query: { page } } }, { placeholderData: (p) => p });
  const columns: Column<Mail>[] = [
    { key: 'date', header: t('col.date'), render: (m) => fmt.dateTime(m.date ?? m.receivedAt) },
    { key: 'from', header: t('col.from'), render: (m) => m.from },
    { key: 'subject', header: t('col.subject'), render: (m) => m.subject },
    {
      key: 'open',
      header: t('col.actions'),
      render: (m) => (
        <Tooltip label={t('openMail')}>
          <ActionIcon variant="subtle" component={Link} to={`/received/${m.id}`} aria-label={`${t('openMail')} ${m.subject ?? ''}`}>
            <IconEye size={18} />
          </ActionIcon>
        </Tooltip>
      ),
    },
  ];
  return <PagedTable label={t('tab.received')} columns={columns} query={q} page={page} onPage={setPage} rowKey={(m) => m.id} empty={t('emptyReceived')} />;
}

interface Doc extends PreviewableDocument {
  createdAt: string;
  source?: string | null;
  kind?: string | null;
}

export function DocumentsTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation('members');
  const fmt = useFormat();
  const [page, setPage] = useState(1);
  const [preview, setPreview] = useState<PreviewableDocument | null>(null);
  const q = $api.useQuery('get', '/api/v1/members/{id}/documents', { params: { path: { id: memberId }, query: { page } } }, { placeholderData: (p) => p });
  const columns: Column<Doc>[] = [
    { key: 'date', header: t('col.date'), render: (d) => fmt.dateTime(d.createdAt) },
    { key: 'name', header: t('col.filename'), render: (d) => <Anchor href={d.contentUrl} download={d.filename} size="sm">{d.filename}</Anchor> },
    { key: 'type', header: t('col.type'), visibleFrom: 'sm', render: (d) => <Text size="sm">{d.contentType} · {fmt.bytes(d.size)}</Text> },
    {
      key: 'dl',
      header: t('col.actions'),
      render: (d) => (
        <Group gap={4} wrap="nowrap">
          <PreviewButton doc={d} onPreview={setPreview} label={t('previewOf', { name: d.filename })} />
          <ActionIcon variant="subtle" component="a" href={d.contentUrl} download={d.filename} aria-label={`${t('download')} ${d.filename}`}>
            <IconDownload size={18} />
          </ActionIcon>
        </Group>
      ),
    },
  ];
  return (
    <>
      <PagedTable label={t('tab.documents')} columns={columns} data={q.data as { items: Doc[]; page: number; pageSize: number; total: number } | undefined} page={page} onPage={setPage} rowKey={(d) => d.id} loading={q.isFetching} error={q.error} empty={t('emptyDocuments')} rowProps={(d) => ({ 'data-document': d.filename })} />
      <DocumentPreview doc={preview} onClose={() => setPreview(null)} />
    </>
  );
}

const STATUS_COLOR: Record<string, string> = { sent: STATUS_COLORS.ok, delivered: STATUS_COLORS.ok, failed: STATUS_COLORS.error, bounced: STATUS_COLORS.error, queued: STATUS_COLORS.neutral, sending: STATUS_COLORS.info };

export function SentTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation('members');
  const fmt = useFormat();
  const [page, setPage] = useState(1);
  const q = $api.useQuery('get', '/api/v1/sent-emails', { params: { query: { page, memberId } } }, { placeholderData: (p) => p });
  const columns: Column<Sent>[] = [
    { key: 'date', header: t('col.date'), render: (s) => fmt.dateTime(s.sentAt ?? s.queuedAt) },
    { key: 'to', header: t('col.to'), render: (s) => s.to.join(', ') },
    { key: 'subject', header: t('col.subject'), render: (s) => s.subject },
    { key: 'status', header: t('col.status'), render: (s) => <Badge color={STATUS_COLOR[s.status] ?? STATUS_COLORS.neutral}>{s.status}</Badge> },
  ];
  return <PagedTable label={t('tab.sent')} columns={columns} query={q} page={page} onPage={setPage} rowKey={(s) => s.id} empty={t('emptySent')} />;
}
