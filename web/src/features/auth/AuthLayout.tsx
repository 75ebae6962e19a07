import { Alert, Anchor, Button, Center, Group, Paper, Stack, Title } from '@mantine/core';
import { IconMail } from '@tabler/icons-react';
import type { FormEventHandler, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Problem } from '../../api/problem';
import { LanguageSwitch } from '../../shell/Shell';
import { ProblemAlert } from '../../ui/forms';
import { PageTitle } from '../../ui/PageTitle';

/** The frame of the pages seen before signing in. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Stack w="100%" maw={420} component="main">
        <Group justify="space-between">
          <Group gap="xs">
            <IconMail aria-hidden />
            <Title order={2} size="h3">
              Mailroom
            </Title>
          </Group>
          <LanguageSwitch />
        </Group>
        <Paper withBorder shadow="sm" p="lg" radius="md">
          <PageTitle size="h3" mb="md">
            {title}
          </PageTitle>
          {children}
        </Paper>
      </Stack>
    </Center>
  );
}

export function BackToSignIn() {
  const { t } = useTranslation('auth');
  return (
    <Anchor component={Link} to="/" size="sm" mt="md" display="block">
      {t('backToSignIn')}
    </Anchor>
  );
}

interface AuthFormProps {
  title: string;
  /** Once the form did its work: the message that replaces it. */
  done?: string | null;
  intro?: ReactNode;
  problem: Problem | null;
  onSubmit: FormEventHandler<HTMLFormElement>;
  submitLabel: string;
  submitting: boolean;
  /** Under the form; the way back to sign-in unless told. */
  footer?: ReactNode;
  children: ReactNode;
}

/** A page before sign-in that is one form (the API's problem above its fields) and, once sent, one message. */
export function AuthFormPage({ title, done, intro, problem, onSubmit, submitLabel, submitting, footer = <BackToSignIn />, children }: AuthFormProps) {
  return (
    <AuthLayout title={title}>
      {done ? (
        <Alert color="green" role="status">
          {done}
        </Alert>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            {intro}
            <ProblemAlert problem={problem} />
            {children}
            <Button type="submit" loading={submitting}>
              {submitLabel}
            </Button>
          </Stack>
        </form>
      )}
      {footer}
    </AuthLayout>
  );
}
