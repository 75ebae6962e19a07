import { Alert, Button, Code, CopyButton, Group, List, Stack } from '@mantine/core';
import { useForm, type UseFormInput, type UseFormReturnType } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { asProblem, formField, type Problem } from '../api/problem';
import { fieldReason, problemDetail, problemTitle } from './problems/words';

/**
 * Puts the API's problem+json field errors next to the fields they name; what names no field
 * of the form is returned so the caller shows it above the form (see ProblemAlert).
 */
export function applyProblem<T extends Record<string, unknown>>(form: UseFormReturnType<T>, error: unknown): Problem | null {
  const problem = asProblem(error);
  const values = form.getValues();
  const rest: NonNullable<Problem['errors']> = [];
  for (const e of problem.errors ?? []) {
    const field = formField(e.field);
    const head = field.split('.')[0] ?? field;
    if (head in values) form.setFieldError(field, fieldReason(e));
    else rest.push(e);
  }
  if (problem.errors?.length && rest.length === 0) return null;
  return { ...problem, errors: rest };
}

/**
 * A Mantine form (uncontrolled unless told) whose submit calls the API: the last problem is
 * cleared, `action` runs, and what it throws lands on the fields it names (applyProblem), the
 * rest in `problem` for a <ProblemAlert>. `action` throws on failure (see `unwrap`); it gets the
 * form too (to reset it after success).
 */
export function useApiForm<Values extends Record<string, unknown>>(input: UseFormInput<Values>, action: (values: Values, form: UseFormReturnType<Values>) => Promise<unknown>) {
  const form = useForm<Values>({ mode: 'uncontrolled', ...input });
  const [problem, setProblem] = useState<Problem | null>(null);
  const onSubmit = form.onSubmit(async (values) => {
    setProblem(null);
    try {
      await action(values, form);
    } catch (err) {
      setProblem(applyProblem(form, err));
    }
  });
  return { form, problem, setProblem, onSubmit };
}

/** A problem that belongs to no single field: what happened and each refused field, in the reader's language, in a labelled alert. */
export function ProblemAlert({ problem, title }: { problem: Problem | null | undefined; title?: string }) {
  // Subscribed to the language, so the wording follows a change of language.
  const { t } = useTranslation('problems');
  if (!problem) return null;
  return (
    <Alert color="red" icon={<IconAlertCircle />} title={title ?? problemTitle(problem)} role="alert" data-problem={problem.detailCode ?? problem.code}>
      {problemDetail(problem)}
      {problem.errors && problem.errors.length > 0 && (
        <List size="sm">
          {problem.errors.map((e) => (
            <List.Item key={e.field + e.reason}>
              {t('fieldError', { field: formField(e.field), reason: fieldReason(e) })}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

/** Cancel and submit at the foot of a form in a dialog. */
export function FormActions({ onCancel, submitLabel, submitting }: { onCancel(): void; submitLabel: string; submitting: boolean }) {
  const { t } = useTranslation('ui');
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        {t('cancel')}
      </Button>
      <Button type="submit" loading={submitting}>
        {submitLabel}
      </Button>
    </Group>
  );
}

/**
 * A value the API gives once (a new API key, an invitation link): `notice` above it, the value
 * wrapped to any width, Copy and Close.
 */
export function ShownOnce({ value, notice, onClose, testId }: { value: string; notice: ReactNode; onClose(): void; testId?: string }) {
  const { t } = useTranslation('ui');
  return (
    <Stack>
      {notice}
      <Code block data-testid={testId} style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
        {value}
      </Code>
      <Group justify="space-between">
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button variant="light" onClick={copy}>
              {copied ? t('copied') : t('copy')}
            </Button>
          )}
        </CopyButton>
        <Button onClick={onClose}>{t('close')}</Button>
      </Group>
    </Stack>
  );
}
