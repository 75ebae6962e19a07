import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMemberSearch } from './api';

/** A member picked by typing part of the name, licence number or address (the API searches). */
export function MemberSelect({ label, value, onChange, error, required }: { label: string; value: string | null; onChange(id: string | null): void; error?: string; required?: boolean }) {
  const { t } = useTranslation('notifications');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const members = useMemberSearch(q);
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(null);
  const options = (members.data?.items ?? []).map((m) => ({ value: m.id, label: `${m.lastName.toUpperCase()} ${m.firstName}` }));
  if (picked && !options.some((o) => o.value === picked.value)) options.unshift(picked);
  return (
    <Select
      label={label}
      placeholder={t('member.placeholder')}
      searchable
      clearable
      required={required}
      data={options}
      value={value}
      error={error}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: o }) => o}
      nothingFoundMessage={members.isFetching ? t('loading', { ns: 'ui' }) : t('member.none')}
      onChange={(id, option) => {
        setPicked(option ?? null);
        onChange(id);
      }}
    />
  );
}
