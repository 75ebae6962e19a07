import { Alert, Anchor, Button, Card, Group, SimpleGrid, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { IconDownload, IconEye, IconPencil } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { $api } from '../../api/client';
import { useFormat } from '../../ui/format';
import { AssignModal } from './AssignModal';
import { DocumentPreview, type PreviewableDocument } from './DocumentPreview';
import { MailHtml } from './MailHtml';
import { MemberName } from './MemberName';
import { UnassignedReason } from './ReceivedPage';
import { BackLink, PageTitle, RecordPending } from '../../ui/PageTitle';

interface Attachment extends PreviewableDocument {
  inline?: boolean;
}

/** The eye: headers, text or sanitised HTML (sandboxed), attachments with download and preview. */
export function ReceivedMailPage() {
  const { t } = useTranslation('received');
  const fmt = useFormat();
  const { id = '' } = useParams();
  const [assigning, setAssigning] = useState(false);
  const [preview, setPreview] = useState<PreviewableDocument | null>(null);
  const q = $api.useQuery('get', '/api/v1/received-mails/{id}', { params: { path: { id } } });

  if (q.isPending || q.isError) return <RecordPending back="/received" backLabel={t('back')} title={t('title')} error={q.error} />;
  const m = q.data;
  const attachments = (m.attachmentList as Attachment[]).filter((a) => !a.inline);
  const headers: [string, string | null | undefined][] = [
    [t('header.from'), m.fromName ? `${m.fromName} <${m.from}>` : m.from],
    [t('header.to'), m.to.join(', ')],
    [t('header.cc'), m.cc.join(', ')],
    [t('header.replyTo'), m.replyTo],
    [t('header.date'), fmt.dateTime(m.date ?? m.receivedAt)],
  ];

  return (
    <Stack>
      <BackLink to="/received">{t('back')}</BackLink>
      <Group justify="space-between" align="start">
        <PageTitle size="h2">{m.subject || t('noSubject')}</PageTitle>
        <Group>
          <Button leftSection={<IconPencil size={16} />} onClick={() => setAssigning(true)}>
            {m.memberId ? t('reassign') : t('assign')}
          </Button>
          <Button variant="default" component="a" href={m.rawUrl} leftSection={<IconDownload size={16} />}>
            {t('downloadEml')}
          </Button>
        </Group>
      </Group>
      <Card withBorder>
        <Table variant="vertical" layout="fixed" aria-label={t('headers')}>
          <Table.Tbody>
            {headers
              .filter(([, v]) => v)
              .map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Th w={140}>{k}</Table.Th>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{v}</Table.Td>
                </Table.Tr>
              ))}
            <Table.Tr>
              <Table.Th>{t('col.member')}</Table.Th>
              <Table.Td>{m.memberId ? <MemberName id={m.memberId} /> : <UnassignedReason mail={m} />}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Card>
      <Tabs defaultValue={m.html ? 'html' : 'text'} keepMounted={false}>
        <Tabs.List>
          {m.html && <Tabs.Tab value="html">{t('tab.html')}</Tabs.Tab>}
          <Tabs.Tab value="text">{t('tab.text')}</Tabs.Tab>
        </Tabs.List>
        {m.html && (
          <Tabs.Panel value="html" pt="sm">
            {m.blockedImages > 0 && (
              <Text size="sm" c="dimmed" mb="xs">
                {t('blockedImages', { count: m.blockedImages })}
              </Text>
            )}
            <MailHtml html={m.html} title={t('htmlFrameTitle', { subject: m.subject ?? '' })} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="text" pt="sm">
          {m.htmlTooLarge && (
            <Alert color="yellow" mb="xs" title={t('htmlTooLarge.title')}>
              {t('htmlTooLarge.body')}{' '}
              <Anchor href={m.rawUrl}>{t('downloadEml')}</Anchor>
            </Alert>
          )}
          <Card withBorder>
            <Text component="pre" size="sm" style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', margin: 0 }}>
              {m.text || t('noText')}
            </Text>
          </Card>
        </Tabs.Panel>
      </Tabs>
      <Title order={2} size="h4">
        {t('attachmentsTitle', { count: attachments.length })}
      </Title>
      {attachments.length === 0 ? (
        <Text c="dimmed">{t('noAttachments')}</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {attachments.map((a) => (
            <Card withBorder key={a.id} data-testid="attachment">
              <Text fw={500} size="sm" style={{ overflowWrap: 'anywhere' }}>
                {a.filename}
              </Text>
              <Text size="xs" c="dimmed">
                {a.contentType} · {fmt.bytes(a.size)}
              </Text>
              <Group mt="xs" gap="xs">
                <Button size="xs" variant="light" component="a" href={a.contentUrl} download={a.filename} leftSection={<IconDownload size={14} />}>
                  {t('download')}
                </Button>
                {a.inlineUrl ? (
                  <Button size="xs" variant="default" leftSection={<IconEye size={14} />} onClick={() => setPreview(a)} aria-label={t('previewOf', { name: a.filename })}>
                    {t('preview')}
                  </Button>
                ) : (
                  <Text size="xs" c="dimmed">
                    {t('downloadOnly')}
                  </Text>
                )}
              </Group>
            </Card>
          ))}
        </SimpleGrid>
      )}
      <DocumentPreview doc={preview} onClose={() => setPreview(null)} />
      {assigning && <AssignModal mail={m} onClose={() => setAssigning(false)} />}
    </Stack>
  );
}
