import { ActionIcon, Checkbox, Group, Pagination, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Scroller } from '../../ui/Scroller';
import { useFormat } from '../../ui/format';
import { isTicked, NOTHING, tick, tickedCount, type Candidate, type Selection } from './api';

interface Props {
  /** One page of candidates, as the API sent it. */
  candidates: Candidate[];
  /** Candidates with a working address in the whole period (every page). */
  total: number;
  page: number;
  pageSize: number;
  onPage(page: number): void;
  selection: Selection;
  onSelection(next: Selection): void;
  onPreview(invoiceId: string): void;
}

/** The residents who will receive the period's invoice, a page at a time, with checkboxes; select-all means every one of the period, not just this page. */
export function CandidatesTable({ candidates, total, page, pageSize, onPage, selection, onSelection, onPreview }: Props) {
  const { t } = useTranslation('invoices');
  const fmt = useFormat();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const count = tickedCount(selection, total);
  const all = total > 0 && count === total;
  const some = count > 0 && !all;

  return (
    <div>
      {selection.all && (
        <Text size="sm" mb="xs" data-testid="all-selected">
          {t('candidates.allSelected', { count })}
        </Text>
      )}
      <Scroller label={t('candidates.tableLabel')}>
        <Table striped highlightOnHover aria-label={t('candidates.tableLabel')} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40}>
                <Checkbox aria-label={t('candidates.selectAll')} checked={all} indeterminate={some} onChange={(e) => onSelection(e.currentTarget.checked ? { all: true, ids: new Set() } : NOTHING)} />
              </Table.Th>
              <Table.Th>{t('candidates.resident')}</Table.Th>
              <Table.Th>{t('candidates.lastActivity')}</Table.Th>
              <Table.Th>{t('candidates.number')}</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>{t('candidates.amountExclTax')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('candidates.address1')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('candidates.address2')}</Table.Th>
              <Table.Th w={50}><VisuallyHidden>{t('candidates.preview')}</VisuallyHidden></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {candidates.map((c) => (
              <Table.Tr key={c.invoiceId} data-testid="candidate-row" data-selected={isTicked(selection, c.invoiceId) ? 'true' : 'false'}>
                <Table.Td>
                  <Checkbox aria-label={t('candidates.select', { name: c.name, number: c.number })} checked={isTicked(selection, c.invoiceId)} onChange={(e) => onSelection(tick(selection, c.invoiceId, e.currentTarget.checked))} />
                </Table.Td>
                <Table.Td><Text size="sm" fw={500}>{c.name}</Text></Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{t(c.lastActivity.kind === 'sent' ? 'candidates.sentAt' : 'candidates.editedAt', { at: fmt.dateTime(c.lastActivity.at) })}</Text>
                </Table.Td>
                <Table.Td>{c.number}</Table.Td>
                <Table.Td style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>{fmt.amount(c.amountExclTax, c.currency)}</Table.Td>
                <Table.Td visibleFrom="sm"><Text size="sm">{c.addresses[0] ?? '—'}</Text></Table.Td>
                <Table.Td visibleFrom="sm"><Text size="sm">{c.addresses[1] ?? '—'}</Text></Table.Td>
                <Table.Td>
                  <Tooltip label={t('candidates.previewOf', { name: c.name })}>
                    <ActionIcon variant="subtle" aria-label={t('candidates.previewOf', { name: c.name })} onClick={() => onPreview(c.invoiceId)}>
                      <IconEye size={18} />
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Scroller>
      {pages > 1 ? (
        <Group justify="flex-end" mt="sm">
          <Pagination total={pages} value={page} onChange={onPage} size="sm" getControlProps={(control) => ({ 'aria-label': t(`candidates.pageControl.${control}`) })} getItemProps={(p) => ({ 'aria-label': t('candidates.pageN', { page: p }) })} />
        </Group>
      ) : null}
    </div>
  );
}
