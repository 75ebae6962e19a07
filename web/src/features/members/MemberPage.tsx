import { Badge, Button, Card, Group, List, Stack, Tabs, Text } from '@mantine/core';
import { IconAlertTriangle, IconPencil } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { $api } from '../../api/client';
import { MemberForm } from './MemberForm';
import { BalanceTab, PreferencesTab, ValiditiesTab } from './MemberSettingsTabs';
import { DocumentsTab, ReceivedTab, SentTab } from './MemberListTabs';
import { ReasonDetails, useReasons } from '../../ui/reasons/Reasons';
import { BackLink, PageTitle, RecordPending } from '../../ui/PageTitle';

const TABS = ['received', 'documents', 'sent', 'preferences', 'balance', 'validities'] as const;

/** A member's record: details, addresses (invalid ones flagged with why), and one tab per kind of history. */
export function MemberPage() {
  const { t } = useTranslation('members');
  const reasons = useReasons();
  const { id = '', '*': rest = '' } = useParams();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const tab = (TABS as readonly string[]).includes(rest) ? rest : 'received';
  const q = $api.useQuery('get', '/api/v1/members/{id}', { params: { path: { id } } });

  if (q.isPending || q.isError) return <RecordPending back="/members" backLabel={t('back')} title={t('title')} error={q.error} />;
  const m = q.data;
  return (
    <Stack>
      <BackLink to="/members">{t('back')}</BackLink>
      <Group justify="space-between">
        <PageTitle section={t(`tab.${tab}`)}>{`${m.firstName} ${m.lastName}`}</PageTitle>
        <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
          {t('edit', { ns: 'ui' })}
        </Button>
      </Group>
      <Card withBorder>
        <Stack gap="xs">
          <Text size="sm">
            <b>{t('licenceNumber')} :</b> {m.licenceNumber ?? t('none', { ns: 'ui' })}
          </Text>
          {m.roles.length > 0 && (
            <Group gap={4}>
              {m.roles.map((r) => (
                <Badge key={r} variant="light">
                  {r}
                </Badge>
              ))}
            </Group>
          )}
          <Text size="sm" fw={600}>
            {t('addresses')}
          </Text>
          {m.emails.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('noAddress')}
            </Text>
          ) : (
            <List size="sm" spacing={4}>
              {m.emails.map((e) => (
                <List.Item key={e.address} icon={e.invalid ? <IconAlertTriangle size={16} color="var(--mantine-color-red-7)" aria-hidden /> : undefined}>
                  {e.address}
                  {e.label ? ` (${e.label})` : ''}
                  {e.invalid && (
                    <Text span c="red.8" size="sm">
                      {' '}
                      — {t('invalidBecause', { reason: reasons.address(e.invalidBecause) ?? t('invalid') })}
                    </Text>
                  )}
                  {e.invalid && <ReasonDetails details={e.invalidBecause?.params.details} />}
                </List.Item>
              ))}
            </List>
          )}
        </Stack>
      </Card>
      <Tabs value={tab} onChange={(v) => void navigate(`/members/${id}/${v}`, { replace: true })} keepMounted={false}>
        <Tabs.List>
          {TABS.map((k) => (
            <Tabs.Tab key={k} value={k}>
              {t(`tab.${k}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="received" pt="md">
          <ReceivedTab memberId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="documents" pt="md">
          <DocumentsTab memberId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="sent" pt="md">
          <SentTab memberId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="preferences" pt="md">
          <PreferencesTab memberId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="balance" pt="md">
          <BalanceTab memberId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="validities" pt="md">
          <ValiditiesTab memberId={id} />
        </Tabs.Panel>
      </Tabs>
      {editing && <MemberForm member={m} onClose={() => setEditing(false)} />}
    </Stack>
  );
}
