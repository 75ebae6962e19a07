import { MantineProvider } from '@mantine/core';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { PagedTable, type Column, type Paged } from '../src/ui/PagedTable';

interface Row {
  id: string;
  subject: string;
}
const columns: Column<Row>[] = [{ key: 'subject', header: 'Subject', render: (r) => r.subject }];
const page = (n: number, total: number, extra: Partial<Paged<Row>> = {}): Paged<Row> => ({
  items: Array.from({ length: Math.max(0, Math.min(10, total - (n - 1) * 10)) }, (_, i) => ({ id: `${n}-${i}`, subject: `Mail ${(n - 1) * 10 + i + 1}` })),
  page: n,
  pageSize: 10,
  total,
  ...extra,
});

function table(props: Partial<Parameters<typeof PagedTable<Row>>[0]> & { page: number }) {
  const onPage = vi.fn();
  render(
    <MantineProvider>
      <PagedTable<Row> label="Received mail" columns={columns} rowKey={(r) => r.id} onPage={onPage} empty="No mail." {...props} />
    </MantineProvider>,
  );
  return { onPage, previous: screen.getByRole('button', { name: 'Previous' }), next: screen.getByRole('button', { name: 'Next' }) };
}

describe('PagedTable', () => {
  it('shows the rows of a middle page, the range and the total, and moves both ways', async () => {
    const { onPage, previous, next } = table({ page: 2, data: page(2, 25) });
    const rows = within(screen.getByRole('table', { name: 'Received mail' })).getAllByRole('row');
    expect(rows).toHaveLength(11); // the header and ten rows
    expect(rows[1]!.textContent).toBe('Mail 11');
    expect(screen.getByTestId('page-summary').textContent).toBe('11–20 of 25');
    await userEvent.click(previous);
    await userEvent.click(next);
    expect(onPage.mock.calls).toEqual([[1], [3]]);
  });

  it('keeps the range of the rows on screen while the next page loads', () => {
    table({ page: 3, data: page(2, 25), loading: true });
    expect(screen.getByTestId('page-summary').textContent).toBe('11–20 of 25');
    expect(screen.getAllByRole('row')[1]!.textContent).toBe('Mail 11');
  });

  it('cannot go before the first page nor past the last', () => {
    const first = table({ page: 1, data: page(1, 25) });
    expect(first.previous).toHaveProperty('disabled', true);
    expect(first.next).toHaveProperty('disabled', false);
  });

  it('stops at the last page, which may be short', () => {
    const last = table({ page: 3, data: page(3, 25) });
    expect(screen.getByTestId('page-summary').textContent).toBe('21–25 of 25');
    expect(last.next).toHaveProperty('disabled', true);
    expect(last.previous).toHaveProperty('disabled', false);
  });

  it('says the total is a lower bound and lets the user go on past it', () => {
    const { next } = table({ page: 100, data: page(100, 1000, { totalIsLowerBound: true }) });
    expect(screen.getByTestId('page-summary').textContent).toBe('991–1,000 of 1,000+'); // the browser's locale (en-US) without a session
    expect(next).toHaveProperty('disabled', false);
  });

  it('says when there is nothing, and shows a labelled spinner while the first page loads', () => {
    table({ page: 1, data: page(1, 0) });
    expect(screen.getByText('No mail.')).toBeTruthy();
    expect(screen.getByTestId('page-summary').textContent).toBe('0–0 of 0');
    document.body.innerHTML = '';
    const { next } = table({ page: 1, query: { data: undefined, isFetching: true, error: null } });
    expect(screen.getByLabelText('Loading…')).toBeTruthy();
    expect(screen.getByRole('table').getAttribute('aria-busy')).toBe('true');
    expect(next).toHaveProperty('disabled', true);
  });

  it('shows the API’s problem above the table', () => {
    table({ page: 1, query: { data: undefined, isFetching: false, error: { title: 'Forbidden', status: 403, detail: 'Administrators only' } } });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Forbidden');
    expect(alert.textContent).toContain('Administrators only');
  });
});
