import { Anchor, Badge, Button, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { Scroller } from '../../ui/Scroller';
import { IconDownload } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useFormat } from '../../ui/format';
import { useSentEmail } from './api';
import { StatusBadge } from './StatusBadge';
import { ReasonDetails, useReasons } from '../../ui/reasons/Reasons';
import { Failure } from '../../ui/problems/Failure';
import { BackLink, PageTitle, RecordPending } from '../../ui/PageTitle';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/** One message as it was sent: headers, body, attachments, attempts, per-recipient outcome, delivery reports, .eml. */
export function SentEmailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('sent');
  const fmt = useFormat();
  const q = useSentEmail(id);
  const reasons = useReasons();
  if (q.isPending || q.error) return <RecordPending back="/sent" backLabel={t('backToLog')} title={t('title')} error={q.error} />;
  const m = q.data;
  return (
    <Stack>
      <BackLink to="/sent">{t('backToLog')}</BackLink>
      <Group justify="space-between" wrap="wrap">
        <PageTitle size="h2">{m.subject || t('noSubject')}</PageTitle>
        <Group gap="xs">
          <StatusBadge status={m.status} />
          {m.emlUrl ? (
            <Button component="a" href={m.emlUrl} download variant="default" leftSection={<IconDownload size={16} />}>
              {t('detail.downloadEml')}
            </Button>
          ) : null}
        </Group>
      </Group>
      <Section id="sent-summary" title={t('detail.summary')}>
        <Table variant="vertical" layout="fixed" withTableBorder={false} aria-labelledby="sent-summary" style={{ overflowWrap: 'anywhere' }}>
          <Table.Tbody>
            <Table.Tr><Table.Th w={160}>{t('detail.from')}</Table.Th><Table.Td>{m.from}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('col.to')}</Table.Th><Table.Td>{m.to.join(', ')}</Table.Td></Table.Tr>
            {m.cc.length ? <Table.Tr><Table.Th>{t('detail.cc')}</Table.Th><Table.Td>{m.cc.join(', ')}</Table.Td></Table.Tr> : null}
            <Table.Tr><Table.Th>{t('detail.queuedAt')}</Table.Th><Table.Td>{fmt.dateTime(m.queuedAt)}</Table.Td></Table.Tr>
            {m.sentAt ? <Table.Tr><Table.Th>{t('detail.sentAt')}</Table.Th><Table.Td>{fmt.dateTime(m.sentAt)}</Table.Td></Table.Tr> : null}
            {m.lastError ? <Table.Tr><Table.Th>{t('detail.lastError')}</Table.Th><Table.Td>{m.bounce ? <><Text c="red" size="sm">{reasons.bounce(m.bounce.reason)}</Text><ReasonDetails details={m.lastError} /></> : <Failure code={m.lastErrorCode} params={m.lastErrorParams} words={m.lastError} bounce={m.lastErrorReason} />}</Table.Td></Table.Tr> : null}
            <Table.Tr>
              <Table.Th>{t('col.member')}</Table.Th>
              <Table.Td>
                {m.member ? (
                  <Anchor component={Link} to={`/members/${m.member.id}`}>{m.member.name}</Anchor>
                ) : '—'}
                {m.member?.emails.filter((e) => e.invalid).map((e) => <Badge key={e.address} color="orange" ml="xs" variant="dot">{t('detail.invalidAddress', { address: e.address })}</Badge>)}
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Section>
      <Section id="sent-recipients" title={t('detail.recipients')}>
        {m.recipients.length === 0 ? <Text c="gray.7" size="sm">{t('detail.noRecipientOutcome')}</Text> : (
          <Scroller label={t('detail.recipients')}>
          <Table aria-labelledby="sent-recipients">
            <Table.Thead><Table.Tr><Table.Th>{t('detail.address')}</Table.Th><Table.Th>{t('col.status')}</Table.Th><Table.Th>{t('detail.reason')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>{m.recipients.map((r) => <Table.Tr key={r.address}><Table.Td style={{ overflowWrap: 'anywhere' }}>{r.address}</Table.Td><Table.Td>{t(`recipientStatus.${r.status}`, { defaultValue: r.status })}</Table.Td><Table.Td>{r.bounce ? <><Text size="sm">{reasons.bounce(r.bounce.reason)}</Text><ReasonDetails details={r.reason} /></> : (r.reason ?? '—')}</Table.Td></Table.Tr>)}</Table.Tbody>
          </Table>
          </Scroller>
        )}
      </Section>
      <Section id="sent-body" title={t('detail.body')}>
        {m.text ? <Scroller maxHeight={400} label={t('detail.body')}><Text component="pre" size="sm" style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit' }}>{m.text}</Text></Scroller> : <Text c="gray.7" size="sm">{t('detail.noText')}</Text>}
      </Section>
      <Section id="sent-attachments" title={t('detail.attachments')}>
        {m.attachments.length === 0 ? <Text c="gray.7" size="sm">{t('detail.noAttachment')}</Text> : (
          <Stack gap={4} style={{ overflowWrap: 'anywhere' }}>
            {m.attachments.map((a) => (
              <Group key={a.filename} gap="xs">
                {a.documentId ? <Anchor href={`/api/v1/documents/${a.documentId}/content`}>{a.filename}</Anchor> : <Text size="sm">{a.filename}</Text>}
                <Text size="xs" c="gray.7">{a.contentType} · {fmt.bytes(a.size)}</Text>
              </Group>
            ))}
          </Stack>
        )}
      </Section>
      <Section id="sent-attempts" title={t('detail.attempts')}>
        {m.attemptLog.length === 0 ? <Text c="gray.7" size="sm">{t('detail.noAttempt')}</Text> : (
          <Scroller label={t('detail.attempts')}>
            <Table aria-labelledby="sent-attempts">
              <Table.Thead><Table.Tr><Table.Th>#</Table.Th><Table.Th>{t('detail.startedAt')}</Table.Th><Table.Th>{t('detail.outcome')}</Table.Th><Table.Th>{t('detail.serverAnswer')}</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>{m.attemptLog.map((a) => <Table.Tr key={a.number}><Table.Td>{a.number}</Table.Td><Table.Td>{fmt.dateTime(a.startedAt)}</Table.Td><Table.Td>{a.outcome ? t(`attemptOutcome.${a.outcome}`, { defaultValue: a.outcome }) : '…'}</Table.Td><Table.Td>{a.error ? <Failure code={a.errorCode} params={a.errorParams} words={a.error} bounce={a.errorReason} /> : <Text size="sm">{a.smtpResponse ?? '—'}</Text>}</Table.Td></Table.Tr>)}</Table.Tbody>
            </Table>
          </Scroller>
        )}
      </Section>
      <Section id="sent-reports" title={t('detail.reports')}>
        {m.reports.length === 0 ? <Text c="gray.7" size="sm">{t('detail.noReport')}</Text> : (
          <Scroller label={t('detail.reports')}>
            <Table aria-labelledby="sent-reports">
              <Table.Thead><Table.Tr><Table.Th>{t('detail.receivedAt')}</Table.Th><Table.Th>{t('detail.kind')}</Table.Th><Table.Th>{t('detail.address')}</Table.Th><Table.Th>{t('detail.diagnostic')}</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>{m.reports.map((r, i) => <Table.Tr key={i}><Table.Td>{fmt.dateTime(r.receivedAt)}</Table.Td><Table.Td>{t(`reportKind.${r.kind}`, { defaultValue: r.kind })}</Table.Td><Table.Td>{r.recipient ?? '—'}</Table.Td><Table.Td>{r.bounce ? <><Text size="sm">{reasons.bounce(r.bounce.reason)}</Text><ReasonDetails details={[r.status, r.diagnostic].filter(Boolean).join(' ')} /></> : [r.status, r.diagnostic].filter(Boolean).join(' ') || '—'}</Table.Td></Table.Tr>)}</Table.Tbody>
            </Table>
          </Scroller>
        )}
      </Section>
      <Section id="sent-headers" title={t('detail.headers')}>
        {m.headers.length === 0 ? <Text c="gray.7" size="sm">{t('detail.noHeaders')}</Text> : (
          <Scroller maxHeight={300} label={t('detail.headers')}>
            <Code block>{m.headers.map((h) => `${h.name}: ${h.value}`).join('\n')}</Code>
          </Scroller>
        )}
      </Section>
    </Stack>
  );
}
