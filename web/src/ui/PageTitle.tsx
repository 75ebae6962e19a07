import { Anchor, Group, Stack, Title, type TitleProps } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { asProblem } from '../api/problem';
import { ProblemAlert } from './forms';
import { Loading } from './Loading';

/**
 * The browser tab's title, "<part> · <screen> · Mailroom": a screen reader says it when the screen
 * changes, and a user with several tabs open tells them apart. Parts come from t(), so the title
 * follows the chosen language.
 */
export function useDocumentTitle(...parts: (string | null | undefined)[]) {
  const title = [...parts.filter(Boolean), 'Mailroom'].join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}

/** The screen's one h1, and the tab's title from the same words; `section`: the tab or part of the screen shown, named first in the tab's title. */
export function PageTitle({ children, section, ...props }: Omit<TitleProps, 'order' | 'children'> & { children: string; section?: string | null }) {
  useDocumentTitle(section, children);
  return (
    <Title order={1} {...props}>
      {children}
    </Title>
  );
}

export function BackLink({ to, children }: { to: string; children: string }) {
  return (
    <Anchor component={Link} to={to} size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} aria-hidden />
        {children}
      </Group>
    </Anchor>
  );
}

/**
 * A record's screen before it has the record: the way back, then a spinner, or a heading and
 * what went wrong (not found, no access…) — not a bare alert with no way out.
 */
export function RecordPending({ back, backLabel, title, error }: { back: string; backLabel: string; title: string; error: unknown }) {
  // While it loads the tab already names where the user is, not the screen they left.
  useDocumentTitle(title);
  return (
    <Stack>
      <BackLink to={back}>{backLabel}</BackLink>
      {error ? (
        <>
          <PageTitle size="h2">{title}</PageTitle>
          <ProblemAlert problem={asProblem(error)} />
        </>
      ) : (
        <Loading />
      )}
    </Stack>
  );
}
