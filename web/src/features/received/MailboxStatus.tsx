import { Alert, Anchor, Badge, Button, Group, Paper, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconPlayerPause, IconPlayerPlay, IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { $api } from '../../api/client';
import { asProblem } from '../../api/problem';
import { problemMessage } from '../../ui/problems/words';
import { useIsAdmin } from '../../session';
import { useFormat } from '../../ui/format';
import { STATUS_COLORS } from '../../ui/colors';

/** Last poll, last error in plain words, poll now, pause/resume (admins). */
export function MailboxStatus() {
  const { t } = useTranslation('received');
  const fmt = useFormat();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const status = $api.useQuery('get', '/api/v1/mailbox/status', {}, { refetchInterval: 15_000, retry: false });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/mailbox/status'] });
  const onError = (err: unknown) => notifications.show({ color: 'red', message: problemMessage(asProblem(err)) });
  const poll = $api.useMutation('post', '/api/v1/mailbox/poll', {
    onSuccess: () => {
      notifications.show({ message: t('mailbox.pollStarted') });
      setTimeout(() => {
        void refresh();
        void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/received-mails'] });
      }, 2000);
    },
    onError,
  });
  const pause = $api.useMutation('post', '/api/v1/mailbox/pause', { onSuccess: refresh, onError });
  const resume = $api.useMutation('post', '/api/v1/mailbox/resume', { onSuccess: refresh, onError });

  if (status.isPending) return null;
  if (status.isError) {
    return (
      <Alert color="gray" title={t('mailbox.none')}>
        {isAdmin ? (
          <Anchor component={Link} to="/settings/mailbox">
            {t('mailbox.connect')}
          </Anchor>
        ) : (
          t('mailbox.askAdmin')
        )}
      </Alert>
    );
  }
  const s = status.data;
  return (
    <Paper withBorder p="sm" component="section" aria-label={t('mailbox.title')}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="sm" wrap="wrap">
          <Text fw={600} size="sm">
            {t('mailbox.title')}
          </Text>
          <Badge color={s.paused ? STATUS_COLORS.warn : s.lastError ? STATUS_COLORS.error : STATUS_COLORS.ok}>{s.paused ? t('mailbox.paused') : s.lastError ? t('mailbox.failing') : t('mailbox.active')}</Badge>
          <Text size="sm" c="dimmed">
            {s.lastPollAt ? t('mailbox.lastPoll', { when: fmt.dateTime(s.lastPollAt) }) : t('mailbox.neverPolled')}
          </Text>
          <Text size="sm" c="dimmed">
            {t('mailbox.unassigned', { count: s.unassigned, n: fmt.count(s.unassigned) })}
          </Text>
        </Group>
        <Group gap="xs">
          <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} loading={poll.isPending} onClick={() => poll.mutate({})}>
            {t('mailbox.pollNow')}
          </Button>
          {isAdmin &&
            (s.paused ? (
              <Button size="xs" variant="default" leftSection={<IconPlayerPlay size={14} />} loading={resume.isPending} onClick={() => resume.mutate({})}>
                {t('mailbox.resume')}
              </Button>
            ) : (
              <Button size="xs" variant="default" leftSection={<IconPlayerPause size={14} />} loading={pause.isPending} onClick={() => pause.mutate({})}>
                {t('mailbox.pause')}
              </Button>
            ))}
        </Group>
      </Group>
      {s.lastError && (
        <div role="status">
          <Text size="sm" c="red.8" mt="xs">
            {t('mailbox.lastError', { error: t(`mailbox.error.${s.lastErrorCode ?? 'UNKNOWN'}`, { ...s.lastErrorParams }) })}
            {isAdmin && (
              <>
                {' '}
                <Anchor component={Link} to="/settings/mailbox" size="sm">
                  {t('mailbox.fixSettings')}
                </Anchor>
              </>
            )}
          </Text>
          {/* The server's own words (or a technical detail) when there are some; never Mailroom's English sentence. */}
          {s.lastErrorParams?.serverResponse ?? s.lastErrorParams?.detail ? (
            <Text size="xs" c="gray.7" style={{ overflowWrap: 'anywhere' }}>
              {t('mailbox.errorDetails', { details: s.lastErrorParams?.serverResponse ?? s.lastErrorParams?.detail })}
            </Text>
          ) : null}
        </div>
      )}
    </Paper>
  );
}
