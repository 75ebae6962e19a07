import { Center, Loader, Modal, Paper, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../ui/forms';
import { usePreview } from './api';

/** The message one resident will get: sender, addresses, subject, text and the invoice attached. */
export function PreviewModal({ invoiceId, onClose }: { invoiceId: string | null; onClose(): void }) {
  const { t } = useTranslation('invoices');
  const q = usePreview(invoiceId);
  const p = q.data;
  return (
    <Modal opened={invoiceId !== null} onClose={onClose} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }} title={p ? t('preview.title', { name: p.name }) : t('preview.loadingTitle')} size="lg">
      {q.isPending ? <Center py="lg"><Loader aria-label={t('loading', { ns: 'ui' })} /></Center> : q.error ? <ProblemAlert problem={asProblem(q.error)} /> : p ? (
        <Stack>
          <Table variant="vertical" layout="fixed" aria-label={t('preview.title', { name: p.name })}>
            <Table.Tbody>
              <Table.Tr><Table.Th w={130}>{t('preview.from')}</Table.Th><Table.Td>{p.from ? (p.fromName ? `${p.fromName} <${p.from}>` : p.from) : t('preview.defaultSender')}</Table.Td></Table.Tr>
              {p.messages.map((m, i) => (
                <Table.Tr key={m.to}>
                  <Table.Th>{p.messages.length > 1 ? t('preview.messageN', { n: i + 1 }) : t('preview.to')}</Table.Th>
                  <Table.Td>{m.to}{m.cc ? ` · ${t('preview.cc')} ${m.cc}` : ''}</Table.Td>
                </Table.Tr>
              ))}
              {p.messages.length === 0 ? <Table.Tr><Table.Th>{t('preview.to')}</Table.Th><Table.Td><Text c="red" size="sm">{t('preview.noAddress')}</Text></Table.Td></Table.Tr> : null}
              <Table.Tr><Table.Th>{t('preview.subject')}</Table.Th><Table.Td>{p.subject}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t('preview.attachment')}</Table.Th><Table.Td>{p.attachment}</Table.Td></Table.Tr>
            </Table.Tbody>
          </Table>
          <Paper withBorder p="sm" bg="gray.0">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="preview-text">{p.text}</Text>
          </Paper>
        </Stack>
      ) : null}
    </Modal>
  );
}
