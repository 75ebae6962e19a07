import { ActionIcon, Checkbox, Group, Pagination, ScrollArea, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../ui/format';
import type { Candidate } from './api';

const PER_PAGE = 50;

interface Props {
  candidates: Candidate[];
  selected: Set<string>;
  onSelected(next: Set<string>): void;
  onPreview(invoiceId: string): void;
}

/** The residents who will receive the period's invoice, with checkboxes and select-all (over every page, not just this one). */
export function CandidatesTable({ candidates, selected, onSelected, onPreview }: Props) {
  const { t } = useTranslation('invoices');
  const fmt = useFormat();
  const [page, setPage] = useState(1);
  const pages = Math.max(1, Math.ceil(candidates.length / PER_PAGE));
  const rows = candidates.slice((page - 1) * PER_PAGE, page * PER_PAGE);
  const all = candidates.length > 0 && candidates.every((c) => selected.has(c.invoiceId));
  const some = !all && candidates.some((c) => selected.has(c.invoiceId));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onSelected(next);
  };

  return (
    <div>
      <ScrollArea type="auto">
        <Table striped highlightOnHover aria-label={t('candidates.tableLabel')} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40}>
                <Checkbox aria-label={t('candidates.selectAll')} checked={all} indeterminate={some} onChange={(e) => onSelected(e.currentTarget.checked ? new Set(candidates.map((c) => c.invoiceId)) : new Set())} />
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
            {rows.map((c) => (
              <Table.Tr key={c.invoiceId} data-testid="candidate-row" data-selected={selected.has(c.invoiceId) ? 'true' : 'false'}>
                <Table.Td>
                  <Checkbox aria-label={t('candidates.select', { name: c.name, number: c.number })} checked={selected.has(c.invoiceId)} onChange={(e) => toggle(c.invoiceId, e.currentTarget.checked)} />
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
      </ScrollArea>
      {pages > 1 ? (
        <Group justify="flex-end" mt="sm">
          <Pagination total={pages} value={page} onChange={setPage} size="sm" getControlProps={(control) => ({ 'aria-label': t(`candidates.pageControl.${control}`) })} getItemProps={(p) => ({ 'aria-label': t('candidates.pageN', { page: p }) })} />
        </Group>
      ) : null}
    </div>
  );
}
