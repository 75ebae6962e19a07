import { Alert, Button, Center, Group, List, Loader, Modal, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { MonthPickerInput } from '@mantine/dates';
import { IconSend } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { asProblem, type Problem } from '../../api/problem';
import { ProblemAlert } from '../../ui/forms';
import { useFormat } from '../../ui/format';
import { useCandidates, useStartBatch, useStructures } from './api';
import { CandidatesTable } from './CandidatesTable';
import { monthName } from './month';
import { PreviewModal } from './PreviewModal';
import { notify } from '../../ui/notify';

/** Structure and period → who will receive the invoice (tick them), who will not and why, preview, send. */
export function NewBatchPage() {
  const { t } = useTranslation('invoices');
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
  const candidates = useCandidates(period, structureId);
  // A new structure or period is a new list: a selection belongs to the list it was made on, so nothing stays ticked.
  const listKey = `${structureId ?? ''}|${period ?? ''}`;
  const [selection, setSelection] = useState<{ listKey: string; ids: Set<string> }>({ listKey, ids: new Set() });
  const selected = selection.listKey === listKey ? selection.ids : new Set<string>();
  const setSelected = (ids: Set<string>) => setSelection({ listKey, ids });
  const [previewId, setPreviewId] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const start = useStartBatch();

  const send = () => {
    setProblem(null);
    start.mutate(
      { body: { period: period!, structureId: structureId!, invoiceIds: [...selected] } },
      {
        onSuccess: (res) => {
          setConfirming(false);
          if (res.skipped.length) notify('orange', t('send.skipped', { count: res.skipped.length }));
          void navigate(`/invoices/batches/${res.id}`);
        },
        onError: (err) => {
          setConfirming(false);
          setProblem(asProblem(err));
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
                {t('candidates.title', { count: candidates.withAddress.length, period: monthName(fmt.locale, period!) })}
              </Title>
              <Button leftSection={<IconSend size={16} />} disabled={selected.size === 0} onClick={() => setConfirming(true)}>
                {t('send.button', { count: selected.size })}
              </Button>
            </Group>
            {candidates.data?.secondAddressInCc ? <Text size="sm" c="gray.7" mb="xs">{t('candidates.ccNote')}</Text> : null}
            {candidates.withAddress.length === 0 ? <Text c="gray.7">{t('candidates.empty')}</Text> : (
              <CandidatesTable candidates={candidates.withAddress} selected={selected} onSelected={setSelected} onPreview={setPreviewId} />
            )}
          </Paper>
          <ProblemAlert problem={problem} />
          <Paper withBorder p="md" component="section" aria-labelledby="excluded-title">
            <Title order={2} size="h4" id="excluded-title" mb="sm">{t('excluded.title', { count: candidates.withoutAddress.length })}</Title>
            <Text size="sm" c="gray.7" mb="xs">{t('excluded.explain')}</Text>
            {candidates.withoutAddress.length === 0 ? <Text size="sm">{t('excluded.none')}</Text> : (
              <List size="sm" spacing={4}>
                {candidates.withoutAddress.map((c) => (
                  <List.Item key={c.invoiceId} data-testid="excluded-row">
                    <Text span fw={500} size="sm">{c.name}</Text> ({c.number}) —{' '}
                    {c.invalidAddresses.length === 0
                      ? t('excluded.noAddress')
                      : t('excluded.allInvalid', { list: c.invalidAddresses.map((a) => (a.reason ? `${a.address} : ${a.reason}` : a.address)).join(' ; ') })}
                  </List.Item>
                ))}
              </List>
            )}
          </Paper>
        </>
      )}
      <PreviewModal invoiceId={previewId} onClose={() => setPreviewId(null)} />
      <Modal opened={confirming} onClose={() => setConfirming(false)} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }} title={t('send.confirmTitle')}>
        <Stack>
          <Alert color="blue">{t('send.confirmText', { count: selected.size, period: monthName(fmt.locale, period!) })}</Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>{t('cancel', { ns: 'ui' })}</Button>
            <Button leftSection={<IconSend size={16} />} loading={start.isPending} onClick={send}>{t('send.confirm', { count: selected.size })}</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
