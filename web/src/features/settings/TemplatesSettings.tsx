import { Paper, Select, Stack, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../ui/forms';
import { Loading } from '../../ui/Loading';
import { TemplateEditor } from './TemplateEditor';

export function TemplatesSettings() {
  const { t } = useTranslation('settings');
  const q = $api.useQuery('get', '/api/v1/templates');
  const [key, setKey] = useState<string | null>(null);
  if (q.isPending) return <Loading />;
  if (q.isError) return <ProblemAlert problem={asProblem(q.error)} />;
  const current = q.data.find((x) => x.key === (key ?? q.data[0]?.key));
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('section.templates')}
      </Title>
      <Select label={t('templates.choose')} searchable allowDeselect={false} value={current?.key ?? null} onChange={setKey} data={q.data.map((x) => ({ value: x.key, label: `${x.key} — ${t(`templates.description.${x.key}`, { defaultValue: x.description })}` }))} />
      {current && (
        <Paper withBorder p="md">
          <TemplateEditor key={`${current.key}:${current.source}`} template={current} />
        </Paper>
      )}
    </Stack>
  );
}
