import { Badge, Button, Card, Group, Modal, Stack, Text, Textarea, TextInput, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, fetchClient } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import type { paths } from '../../api/schema';
import { applyProblem, ProblemAlert } from '../../ui/forms';

/** The product's template keys, as the API lists them. */
type TemplateKey = paths['/api/v1/templates']['get']['responses'][200]['content']['application/json'][number]['key'];

export interface TemplateInfo {
  key: TemplateKey;
  description: string;
  placeholders: Record<string, string>;
  /** Placeholder name → the stable key of what it stands for (worded here; `placeholders` is the API's English). */
  placeholderKeys?: Record<string, string>;
  source: string;
  subject: string;
  text: string;
  html: string | null;
}

/**
 * Edit one template (for the organisation, or one structure) with a live preview rendered by
 * the API from the draft — placeholders such as &personne and &periode are the API's business.
 */
export function TemplateEditor({ template, structureId }: { template: TemplateInfo; structureId?: string }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({ mode: 'controlled', initialValues: { subject: template.subject, text: template.text } });
  const [draft] = useDebouncedValue(form.values, 400);
  const preview = $api.useQuery('post', '/api/v1/templates/{key}/preview', { params: { path: { key: template.key } }, body: { structureId, draft } }, { placeholderData: (p) => p, retry: false });
  // Only an override of this level can be removed: a structure's own text, or the organisation's.
  const own = template.source === (structureId ? 'structure' : 'organization');
  const [confirmReset, setConfirmReset] = useState(false);
  const [resetting, setResetting] = useState(false);
  const reset = async () => {
    setProblem(null);
    setResetting(true);
    const res = await fetchClient.DELETE('/api/v1/templates/{key}', { params: { path: { key: template.key }, query: structureId ? { structureId } : {} } });
    setResetting(false);
    setConfirmReset(false);
    if (res.error) return setProblem(asProblem(res.error));
    // The editor is keyed by the template's source: it comes back with the text now in force.
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/templates'] });
    notifications.show({ message: t('templates.resetDone') });
  };
  const submit = form.onSubmit(async (v) => {
    setProblem(null);
    const res = await fetchClient.PUT('/api/v1/templates/{key}', { params: { path: { key: template.key } }, body: { ...v, structureId } });
    if (res.error) return setProblem(applyProblem(form, res.error));
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/templates'] });
    notifications.show({ color: 'green', message: t('saved', { ns: 'ui' }) });
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Group justify="space-between" align="start" wrap="nowrap">
          <Text size="sm">{t(`templates.description.${template.key}`, { defaultValue: template.description })}</Text>
          <Badge variant="outline" color="gray" tt="none" data-testid="template-source">
            {t(`templates.source.${template.source}`, { defaultValue: template.source })}
          </Badge>
        </Group>
        <Group gap={4}>
          {Object.entries(template.placeholders).map(([name, help]) => (
            <Tooltip key={name} label={t(`templates.placeholder.${template.placeholderKeys?.[name] ?? name}`, { defaultValue: help })}>
              <Badge variant="light" tt="none" style={{ cursor: 'help' }} tabIndex={0}>
                {name.startsWith('&') ? name : `&${name}`}
              </Badge>
            </Tooltip>
          ))}
        </Group>
        <ProblemAlert problem={problem} />
        <TextInput label={t('templates.subject')} required {...form.getInputProps('subject')} />
        <Textarea label={t('templates.text')} autosize minRows={6} required {...form.getInputProps('text')} />
        <Card withBorder aria-live="polite" aria-label={t('templates.preview')}>
          <Text size="xs" c="dimmed" mb={4}>
            {t('templates.preview')}
          </Text>
          {preview.isError ? (
            <ProblemAlert problem={asProblem(preview.error)} />
          ) : (
            <>
              <Text fw={600} size="sm" data-testid="preview-subject">
                {preview.data?.subject}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="preview-text">
                {preview.data?.text}
              </Text>
            </>
          )}
        </Card>
        <Group>
          <Button type="submit" loading={form.submitting}>
            {t('save', { ns: 'ui' })}
          </Button>
          {own && (
            <Button variant="default" onClick={() => setConfirmReset(true)}>
              {t('templates.reset')}
            </Button>
          )}
        </Group>
      </Stack>
      <Modal opened={confirmReset} onClose={() => setConfirmReset(false)} title={t('templates.resetTitle')} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }}>
        <Stack>
          <Text size="sm">{t(structureId ? 'templates.resetTextStructure' : 'templates.resetText')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmReset(false)}>
              {t('cancel', { ns: 'ui' })}
            </Button>
            <Button color="red" loading={resetting} onClick={() => void reset()}>
              {t('templates.resetConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </form>
  );
}
