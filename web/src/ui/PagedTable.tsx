import { Button, Center, Group, Loader, Table, Text } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from './forms';
import { asProblem } from '../api/problem';
import { useFormat } from './format';
import { Scroller } from './Scroller';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  /** Hide on narrow screens (Mantine breakpoint). */
  visibleFrom?: 'xs' | 'sm' | 'md' | 'lg';
  width?: number | string;
}

export interface Paged<T> {
  items: T[];
  /** null when the API served the page by cursor. */
  page: number | null;
  pageSize: number;
  total: number;
  /** The big lists count up to a limit: `total` is then a lower bound. */
  totalIsLowerBound?: boolean;
}

export const PAGE_SIZE = 10;

interface Props<T> {
  /** Accessible name of the table. */
  label: string;
  columns: Column<T>[];
  /** The list's query (TanStack Query): its data, fetching state and error. Or give `data`, `loading` and `error`. */
  query?: { data?: Paged<T>; isFetching: boolean; error: unknown };
  data?: Paged<T> | undefined;
  page: number;
  onPage(page: number): void;
  rowKey(row: T): string;
  loading?: boolean;
  error?: unknown;
  empty: ReactNode;
  /** Extra attributes per row (e.g. data-testid). */
  rowProps?: (row: T) => Record<string, string>;
}

/** The list pattern of every screen: 10 a page, previous/next, the total, loading and empty states. */
export function PagedTable<T>({ label, columns, query, page, onPage, rowKey, empty, rowProps, ...props }: Props<T>) {
  const { t } = useTranslation('ui');
  const fmt = useFormat();
  const data = query ? query.data : props.data;
  const loading = query ? query.isFetching : props.loading;
  const error = query ? query.error : props.error;
  const total = data?.total ?? 0;
  const more = data?.totalIsLowerBound ?? false;
  const pageSize = data?.pageSize ?? PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  // The range of the rows on screen: while the next page loads, the previous one's rows stay, and so does its range.
  const shown = data?.page ?? page;
  const from = total === 0 ? 0 : (shown - 1) * pageSize + 1;
  const to = Math.min(total, shown * pageSize);

  return (
    <div>
      {error ? <ProblemAlert problem={asProblem(error)} /> : null}
      <Scroller label={label}>
        <Table striped highlightOnHover aria-label={label} aria-busy={loading ? 'true' : 'false'} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c.key} visibleFrom={c.visibleFrom} w={c.width}>
                  {c.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data?.items.map((row) => (
              <Table.Tr key={rowKey(row)} {...rowProps?.(row)}>
                {columns.map((c) => (
                  <Table.Td key={c.key} visibleFrom={c.visibleFrom}>
                    {c.render(row)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Scroller>
      {loading && !data ? (
        <Center py="lg">
          <Loader size="sm" aria-label={t('loading')} />
        </Center>
      ) : data && data.items.length === 0 ? (
        <Center py="lg">
          <Text c="dimmed">{empty}</Text>
        </Center>
      ) : null}
      <Group justify="space-between" mt="sm" wrap="nowrap">
        <Text size="sm" c="dimmed" aria-live="polite" data-testid="page-summary">
          {t('pageSummary', { from: fmt.count(from), to: fmt.count(to), total: fmt.count(total, more) })}
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Button variant="default" size="xs" leftSection={<IconChevronLeft size={16} />} disabled={page <= 1 || loading} onClick={() => onPage(page - 1)}>
            {t('previous')}
          </Button>
          <Button variant="default" size="xs" rightSection={<IconChevronRight size={16} />} disabled={(page >= pages && !more) || loading} onClick={() => onPage(page + 1)}>
            {t('next')}
          </Button>
        </Group>
      </Group>
    </div>
  );
}
