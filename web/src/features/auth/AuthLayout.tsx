import { Center, Group, Paper, Stack, Title } from '@mantine/core';
import { IconMail } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { LanguageSwitch } from '../../shell/Shell';

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
          <Title order={1} size="h3" mb="md">
            {title}
          </Title>
          {children}
        </Paper>
      </Stack>
    </Center>
  );
}
