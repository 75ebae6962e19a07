import { Stack, Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Route, Routes, useNavigate, useSearchParams } from 'react-router';
import { BatchPage } from './BatchPage';
import { HistoryPage } from './HistoryPage';
import { NewBatchPage } from './NewBatchPage';
import { PageTitle } from '../../ui/PageTitle';

function InvoicesHome() {
  const { t } = useTranslation('invoices');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const tab = params.get('tab') === 'history' ? 'history' : 'new';
  return (
    <Stack>
      <PageTitle section={tab === 'history' ? t('tabs.history') : null}>{t('title')}</PageTitle>
      <Tabs value={tab} onChange={(v) => {
          const next = new URLSearchParams(params);
          if (v === 'history') next.set('tab', 'history');
          else next.delete('tab');
          void navigate(`/invoices?${next.toString()}`);
        }} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="new">{t('tabs.new')}</Tabs.Tab>
          <Tabs.Tab value="history">{t('tabs.history')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="new" pt="md"><NewBatchPage /></Tabs.Panel>
        <Tabs.Panel value="history" pt="md"><HistoryPage /></Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** /invoices (send, history) and /invoices/batches/:id */
export function InvoicesPage() {
  return (
    <Routes>
      <Route index element={<InvoicesHome />} />
      <Route path="batches/:id" element={<BatchPage />} />
    </Routes>
  );
}
