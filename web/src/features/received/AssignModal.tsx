import { Button, Checkbox, Combobox, Group, Loader, Stack, Text, TextInput, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client';
import type { components } from '../../api/schema';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../ui/forms';
import { Dialog } from '../../ui/Dialog';

type Mail = components['schemas']['ReceivedMailSummary'];
type Member = components['schemas']['Member'];

const memberLabel = (m: Member) => `${m.firstName} ${m.lastName}${m.licenceNumber ? ` · ${m.licenceNumber}` : ''}`;

/** The pencil: file a mail on a member found by name, licence number or address. */
export function AssignModal({ mail, onClose }: { mail: Mail; onClose(): void }) {
  const { t } = useTranslation('received');
  const queryClient = useQueryClient();
  const combobox = useCombobox();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 200);
  const [member, setMember] = useState<Member | null>(null);
  const [addAddress, setAddAddress] = useState(false);
  const members = $api.useQuery('get', '/api/v1/members', { params: { query: { q, pageSize: 8 } } }, { enabled: q.length > 0 });
  const assign = $api.useMutation('post', '/api/v1/received-mails/{id}/assign', {
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/received-mails'] });
      await queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/mailbox/status'] });
      notifications.show({ color: 'green', message: res.addressAdded ? t('assignedWithAddress') : t('assigned') });
      onClose();
    },
  });

  return (
    <Dialog onClose={onClose} title={t('assignTitle')} size="lg">
      <Stack>
        <Text size="sm">
          {t('assignIntro', { subject: mail.subject ?? t('noSubject'), from: mail.from ?? '' })}
        </Text>
        <ProblemAlert problem={assign.error ? asProblem(assign.error) : null} />
        <Combobox
          store={combobox}
          onOptionSubmit={(id) => {
            const m = members.data?.items.find((x) => x.id === id) ?? null;
            setMember(m);
            if (m) setSearch(memberLabel(m));
            combobox.closeDropdown();
          }}
        >
          <Combobox.Target>
            <TextInput
              label={t('member')}
              description={t('memberHelp')}
              placeholder={t('memberPlaceholder')}
              value={search}
              data-autofocus
              rightSection={members.isFetching ? <Loader size={14} /> : null}
              onChange={(e) => {
                setSearch(e.currentTarget.value);
                setMember(null);
                combobox.openDropdown();
                combobox.updateSelectedOptionIndex();
              }}
              onFocus={() => combobox.openDropdown()}
              onBlur={() => combobox.closeDropdown()}
            />
          </Combobox.Target>
          <Combobox.Dropdown hidden={q.length === 0}>
            <Combobox.Options aria-label={t('member')}>
              {members.data?.items.length === 0 && <Combobox.Empty>{t('noMember')}</Combobox.Empty>}
              {members.data?.items.map((m) => (
                <Combobox.Option value={m.id} key={m.id}>
                  <Text size="sm">{memberLabel(m)}</Text>
                  <Text size="xs" c="dimmed">
                    {m.emails.map((e) => e.address).join(', ')}
                  </Text>
                </Combobox.Option>
              ))}
            </Combobox.Options>
          </Combobox.Dropdown>
        </Combobox>
        {mail.from && <Checkbox label={t('rememberAddress', { address: mail.from })} checked={addAddress} onChange={(e) => setAddAddress(e.currentTarget.checked)} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('cancel', { ns: 'ui' })}
          </Button>
          <Button disabled={!member} loading={assign.isPending} onClick={() => member && assign.mutate({ params: { path: { id: mail.id } }, body: { memberId: member.id, addAddress } })}>
            {t('assignConfirm')}
          </Button>
        </Group>
      </Stack>
    </Dialog>
  );
}
