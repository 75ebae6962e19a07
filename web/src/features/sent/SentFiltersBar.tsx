import { Group, Select, TextInput } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SENT_STATUSES, useTemplateKeys, type SentStatus } from './api';

export interface UiFilters {
  q: string;
  status: SentStatus | null;
  template: string | null;
  period: [string | null, string | null];
}
export const NO_FILTERS: UiFilters = { q: '', status: null, template: null, period: [null, null] };

/** Status, template, period and a recipient/subject search; each change goes back to page 1. */
export function SentFiltersBar({ value, onChange }: { value: UiFilters; onChange(next: UiFilters): void }) {
  const { t } = useTranslation('sent');
  const templates = useTemplateKeys();
  const [q, setQ] = useState(value.q);
  const pushQ = useDebouncedCallback((next: string) => onChange({ ...value, q: next }), 300);
  return (
    <Group align="flex-end" gap="sm" wrap="wrap">
      <TextInput
        label={t('filters.search')}
        placeholder={t('filters.searchPlaceholder')}
        leftSection={<IconSearch size={16} />}
        value={q}
        onChange={(e) => {
          setQ(e.currentTarget.value);
          pushQ(e.currentTarget.value);
        }}
        w={{ base: '100%', sm: 260 }}
      />
      <Select
        label={t('filters.status')}
        placeholder={t('filters.all')}
        data={SENT_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        value={value.status}
        onChange={(s) => onChange({ ...value, status: s as SentStatus | null })}
        clearable
        w={{ base: '100%', sm: 170 }}
      />
      <Select
        label={t('filters.template')}
        placeholder={t('filters.all')}
        data={(templates.data ?? []).map((tpl) => ({ value: tpl.key, label: t(`template.${tpl.key}`, { defaultValue: tpl.description }) }))}
        value={value.template}
        onChange={(tpl) => onChange({ ...value, template: tpl })}
        clearable
        searchable
        w={{ base: '100%', sm: 240 }}
      />
      <DatePickerInput
        type="range"
        label={t('filters.period')}
        placeholder={t('filters.anyPeriod')}
        value={value.period}
        onChange={(p) => onChange({ ...value, period: p as [string | null, string | null] })}
        clearable
        allowSingleDateInRange
        w={{ base: '100%', sm: 260 }}
      />
    </Group>
  );
}
