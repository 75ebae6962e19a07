import { Alert, Button, Center, Group, List, Loader, Modal, Pagination, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { MonthPickerInput } from '@mantine/dates';
import { IconSend } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { asProblem, type Problem } from '../../api/problem';
import { ProblemAlert } from '../../ui/forms';
import { useFormat } from '../../ui/format';
import { NOTHING, selectionBody, tickedCount, useCandidates, useStartBatch, useStructures, type Selection } from './api';
import { CandidatesTable } from './CandidatesTable';
import { monthName } from './month';
import { PreviewModal } from './PreviewModal';
import { notify } from '../../ui/notify';
import { useReasons } from '../../ui/reasons/Reasons';

/** Rows a page; the table pages through the API, never loads the whole period. */
const PAGE_SIZE = 50;

/** Structure and period → who will receive the invoice (tick them), who will not and why, preview, send. */
export function NewBatchPage() {
  const { t } = useTranslation('invoices');
  const reasons = useReasons();
  const fmt = useFormat();
  const navigate = useNavigate();
  const structures = useStructures();
  // Structure and period live in the address (?structure=…&period=YYYY-MM): a list can be bookmarked or shared.
  const [params, setParams] = useSearchParams();
  // With no structure in the address, the only structure (when there is one) is chosen for the user.
  const onlyStructure = structures.data?.items.length === 1 ? structures.data.items[0]!.id : null;
  const structureId = params.get('structure') ?? onlyStructure;
  const period = /^\d{4}-\d{2}$/.test(params.get('period') ?? '') ? params.get('period') : dayjs().subtract(1, 'month').format('YYYY-MM');
  const month = period ? `${period}-01` : null;
  const setParam = (key: string, value: string | null) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    }, { replace: true });
  const setStructureId = (id: string | null) => setParam('structure', id);
  const setMonth = (m: string | null) => setParam('period', m ? dayjs(m).format('YYYY-MM') : null);
  // A new structure or period is a new list: its selection and pages belong to the list they were made on, so they start afresh.
  const listKey = `${structureId ?? ''}|${period ?? ''}`;
  const fresh = { listKey, selection: NOTHING, page: 1, excludedPage: 1 };
  const [stored, setList] = useState<typeof fresh>(fresh);
  const list = stored.listKey === listKey ? stored : fresh;
  const { selection, page, excludedPage } = list;
  const setSelection = (s: Selection) => setList({ ...list, selection: s });
  const setPage = (p: number) => setList({ ...list, page: p });
  const setExcludedPage = (p: number) => setList({ ...list, excludedPage: p });
  const candidates = useCandidates(period, structureId, 'with', page, PAGE_SIZE);
  const excluded = useCandidates(period, structureId, 'without', excludedPage, PAGE_SIZE);
  const total = candidates.data?.withAddressTotal ?? 0;
  const count = tickedCount(selection, total);
  const [previewId, setPreviewId] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const start = useStartBatch();

  const send = () => {
    setProblem(null);
    start.mutate(
      { body: { period: period!, structureId: structureId!, ...selectionBody(selection, total) } },
      {
        onSuccess: (res) => {
          setConfirming(false);
          if (res.skipped.length) notify('orange', t('send.skipped', { count: res.skipped.length }));
          void navigate(`/invoices/batches/${res.id}`);
        },
        onError: (err) => {
          setConfirming(false);
          const p = asProblem(err);
          // The period changed after the list was read (an invoice added or removed): say so in the reader's words, and read it again.
          if (p.reason === 'SELECTION_CHANGED') void candidates.refetch();
          setProblem(p.reason === 'SELECTION_CHANGED' ? { ...p, title: t('send.changedTitle'), detail: t('send.changed') } : p);
        },
      },
    );
  };

  const ready = Boolean(period && structureId);
  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t('structure')}
          placeholder={t('chooseStructure')}
          data={(structures.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
          value={structureId}
          onChange={setStructureId}
          nothingFoundMessage={t('noStructure')}
          required
          w={{ base: '100%', sm: 280 }}
        />
        <MonthPickerInput label={t('period')} value={month} onChange={(v) => setMonth(v as string | null)} required w={{ base: '100%', sm: 200 }} />
      </Group>
      {!ready ? <Text c="gray.7">{t('pickFirst')}</Text> : candidates.isPending ? (
        <Center py="lg"><Loader aria-label={t('loading', { ns: 'ui' })} /></Center>
      ) : candidates.error ? (
        <ProblemAlert problem={asProblem(candidates.error)} />
      ) : (
        <>
          <Paper withBorder p="md" component="section" aria-labelledby="candidates-title">
            <Group justify="space-between" mb="sm" wrap="wrap">
              <Title order={2} size="h4" id="candidates-title">
                {t('candidates.title', { count: total, n: fmt.count(total), period: monthName(fmt.locale, period!) })}
              </Title>
              <Button leftSection={<IconSend size={16} />} disabled={count === 0} onClick={() => setConfirming(true)}>
                {t('send.button', { count, n: fmt.count(count) })}
              </Button>
            </Group>
            {candidates.data?.secondAddressInCc ? <Text size="sm" c="gray.7" mb="xs">{t('candidates.ccNote')}</Text> : null}
            {total === 0 ? <Text c="gray.7">{t('candidates.empty')}</Text> : (
              <CandidatesTable candidates={candidates.data?.items ?? []} total={total} page={page} pageSize={PAGE_SIZE} onPage={setPage} selection={selection} onSelection={setSelection} onPreview={setPreviewId} />
            )}
          </Paper>
          <ProblemAlert problem={problem} />
          <Paper withBorder p="md" component="section" aria-labelledby="excluded-title">
            <Title order={2} size="h4" id="excluded-title" mb="sm">{t('excluded.title', { count: candidates.data?.withoutAddressTotal ?? 0, n: fmt.count(candidates.data?.withoutAddressTotal ?? 0) })}</Title>
            <Text size="sm" c="gray.7" mb="xs">{t('excluded.explain')}</Text>
            {(excluded.data?.total ?? 0) === 0 ? <Text size="sm">{t('excluded.none')}</Text> : (
              <List size="sm" spacing={4}>
                {(excluded.data?.items ?? []).map((c) => (
                  <List.Item key={c.invoiceId} data-testid="excluded-row">
                    <Text span fw={500} size="sm">{c.name}</Text> ({c.number}) —{' '}
                    {c.invalidAddresses.length === 0
                      ? t('excluded.noAddress')
                      : t('excluded.allInvalid', { list: c.invalidAddresses.map((a) => (a.because ? `${a.address} : ${reasons.address(a.because)}` : a.address)).join(' ; ') })}
                  </List.Item>
                ))}
              </List>
            )}
            {(excluded.data?.total ?? 0) > PAGE_SIZE && (
              <Group justify="flex-end" mt="sm">
                <Pagination total={Math.ceil((excluded.data?.total ?? 0) / PAGE_SIZE)} value={excludedPage} onChange={setExcludedPage} size="sm" getControlProps={(control) => ({ 'aria-label': t(`candidates.pageControl.${control}`) })} getItemProps={(p) => ({ 'aria-label': t('candidates.pageN', { page: p }) })} />
              </Group>
            )}
          </Paper>
        </>
      )}
      <PreviewModal invoiceId={previewId} onClose={() => setPreviewId(null)} />
      <Modal opened={confirming} onClose={() => setConfirming(false)} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }} title={t('send.confirmTitle')}>
        <Stack>
          <Alert color="blue">{t('send.confirmText', { count, period: monthName(fmt.locale, period!) })}</Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>{t('cancel', { ns: 'ui' })}</Button>
            <Button leftSection={<IconSend size={16} />} loading={start.isPending} onClick={send}>{t('send.confirm', { count })}</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
