import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Anchor, Center, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { IconArrowLeft } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../ui/forms';
import { useFormat } from '../../ui/format';
import { SENT_STATUSES, useDeliveryStats, useTimeline } from './api';
import { endOfDay, startOfDay } from './dates';
import { statusColor } from './StatusBadge';
import { useReasons } from '../../ui/reasons/Reasons';
import { PageTitle } from '../../ui/PageTitle';

/** Every day of the range, with zeros where nothing was sent, so the chart's time axis is regular. */
function fillDays(from: string, to: string, days: { day: string; byStatus: Record<string, number> }[]) {
  const byDay = new Map(days.map((d) => [d.day, d.byStatus]));
  const out: Record<string, string | number>[] = [];
  for (let d = dayjs(from); !d.isAfter(dayjs(to), 'day'); d = d.add(1, 'day')) {
    const key = d.format('YYYY-MM-DD');
    out.push({ day: key, ...Object.fromEntries(SENT_STATUSES.map((s) => [s, byDay.get(key)?.[s] ?? 0])) });
  }
  return out;
}

/** Delivery statistics: counts by status and template, bounce rate, addresses flagged invalid, a chart over time. */
export function SentStatsPage() {
  const { t } = useTranslation('sent');
  const reasons = useReasons();
  const fmt = useFormat();
  const [range, setRange] = useState<[string | null, string | null]>([dayjs().subtract(29, 'day').format('YYYY-MM-DD'), dayjs().format('YYYY-MM-DD')]);
  const query = { ...(range[0] ? { from: startOfDay(range[0]) } : {}), ...(range[1] ? { to: endOfDay(range[1]) } : {}) };
  const stats = useDeliveryStats(query);
  const timeline = useTimeline(query);
  const chart = useMemo(() => {
    if (!timeline.data) return [];
    const from = range[0] ?? timeline.data.days[0]?.day ?? dayjs().format('YYYY-MM-DD');
    return fillDays(from, range[1] ?? dayjs().format('YYYY-MM-DD'), timeline.data.days).map((d) => ({ ...d, label: fmt.date(`${d.day}T12:00:00`) }));
  }, [timeline.data, range, fmt]);
  const s = stats.data;

  return (
    <Stack>
      <Anchor component={Link} to="/sent" size="sm">
        <Group gap={4}><IconArrowLeft size={14} />{t('backToLog')}</Group>
      </Anchor>
      <Group justify="space-between" wrap="wrap" align="flex-end">
        <PageTitle>{t('stats.title')}</PageTitle>
        <DatePickerInput type="range" label={t('filters.period')} value={range} onChange={(v) => setRange(v as [string | null, string | null])} allowSingleDateInRange w={{ base: '100%', sm: 280 }} />
      </Group>
      {stats.error ? <ProblemAlert problem={asProblem(stats.error)} /> : null}
      {timeline.error ? <ProblemAlert problem={asProblem(timeline.error)} /> : null}
      {!s ? <Center py="lg"><Loader aria-label={t('loading', { ns: 'ui' })} /></Center> : (
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Paper withBorder p="sm"><Text size="xs" c="gray.7">{t('stats.total')}</Text><Text fw={700} size="xl" data-testid="stats-total">{fmt.number(s.total)}</Text></Paper>
          <Paper withBorder p="sm"><Text size="xs" c="gray.7">{t('status.sent')}</Text><Text fw={700} size="xl">{fmt.number(s.byStatus.sent ?? 0)}</Text></Paper>
          <Paper withBorder p="sm"><Text size="xs" c="gray.7">{t('stats.failedOrBounced')}</Text><Text fw={700} size="xl">{fmt.number((s.byStatus.failed ?? 0) + (s.byStatus.bounced ?? 0))}</Text></Paper>
          <Paper withBorder p="sm"><Text size="xs" c="gray.7">{t('stats.bounceRate')}</Text><Text fw={700} size="xl">{new Intl.NumberFormat(fmt.locale, { style: 'percent', maximumFractionDigits: 1 }).format(s.bounceRate)}</Text></Paper>
        </SimpleGrid>
      )}
      <Paper withBorder p="md" component="section" aria-labelledby="stats-chart">
        <Title order={2} size="h4" id="stats-chart" mb="sm">{t('stats.perDay')}</Title>
        {timeline.isPending ? <Loader size="sm" aria-label={t('loading', { ns: 'ui' })} /> : (
          <div role="img" aria-label={t('stats.chartLabel', { total: s?.total ?? 0 })}>
            <BarChart h={260} data={chart} dataKey="label" type="stacked" withLegend tickLine="y"
              series={SENT_STATUSES.map((st) => ({ name: st, label: t(`status.${st}`), color: `${statusColor(st)}.6` }))} />
          </div>
        )}
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" component="section" aria-labelledby="stats-templates">
          <Title order={2} size="h4" id="stats-templates" mb="sm">{t('stats.byTemplate')}</Title>
          {s && s.byTemplate.length === 0 ? <Text c="gray.7" size="sm">{t('stats.nothing')}</Text> : (
            <Table aria-labelledby="stats-templates">
              <Table.Thead><Table.Tr><Table.Th>{t('col.template')}</Table.Th><Table.Th>{t('stats.total')}</Table.Th><Table.Th>{t('stats.failedOrBounced')}</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>{s?.byTemplate.map((r) => <Table.Tr key={r.template}><Table.Td>{r.template === '(none)' ? t('stats.noTemplate') : t(`template.${r.template}`, { defaultValue: r.template })}</Table.Td><Table.Td>{fmt.number(r.total)}</Table.Td><Table.Td>{fmt.number((r.byStatus.failed ?? 0) + (r.byStatus.bounced ?? 0))}</Table.Td></Table.Tr>)}</Table.Tbody>
            </Table>
          )}
        </Paper>
        <Paper withBorder p="md" component="section" aria-labelledby="stats-invalid">
          <Title order={2} size="h4" id="stats-invalid" mb="sm">{t('stats.invalidAddresses')}</Title>
          {s && s.invalidAddresses.length === 0 ? <Text c="gray.7" size="sm">{t('stats.noInvalid')}</Text> : (
            <Table aria-labelledby="stats-invalid">
              <Table.Thead><Table.Tr><Table.Th>{t('col.member')}</Table.Th><Table.Th>{t('detail.address')}</Table.Th><Table.Th>{t('detail.reason')}</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>{s?.invalidAddresses.map((a) => <Table.Tr key={a.address + a.memberId}><Table.Td><Anchor component={Link} to={`/members/${a.memberId}`}>{a.name}</Anchor></Table.Td><Table.Td>{a.address}</Table.Td><Table.Td>{reasons.address(a.because) ?? '—'} <Text span size="xs" c="gray.7">({fmt.date(a.since)})</Text></Table.Td></Table.Tr>)}</Table.Tbody>
            </Table>
          )}
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}
