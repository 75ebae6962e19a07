import { Alert, List } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { asProblem, formField, type Problem } from '../api/problem';

/**
 * Puts the API's problem+json field errors next to the fields they name; what names no field
 * of the form is returned so the caller shows it above the form (see ProblemAlert).
 */
export function applyProblem<T extends Record<string, unknown>>(form: UseFormReturnType<T>, error: unknown): Problem | null {
  const problem = asProblem(error);
  const values = form.getValues();
  const rest: { field: string; reason: string }[] = [];
  for (const e of problem.errors ?? []) {
    const field = formField(e.field);
    const head = field.split('.')[0] ?? field;
    if (head in values) form.setFieldError(field, e.reason);
    else rest.push(e);
  }
  if (problem.errors?.length && rest.length === 0) return null;
  return { ...problem, errors: rest };
}

/** A problem that belongs to no single field: the API's explanation, in a labelled alert. */
export function ProblemAlert({ problem, title }: { problem: Problem | null | undefined; title?: string }) {
  const { t } = useTranslation('ui');
  if (!problem) return null;
  return (
    <Alert color="red" icon={<IconAlertCircle />} title={title ?? problem.title ?? t('error')} role="alert">
      {problem.detail}
      {problem.errors && problem.errors.length > 0 && (
        <List size="sm">
          {problem.errors.map((e) => (
            <List.Item key={e.field + e.reason}>
              {formField(e.field)}: {e.reason}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
