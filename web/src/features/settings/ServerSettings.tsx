import { Alert, Anchor, Button, Code, Group, NumberInput, PasswordInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconPlugConnected } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../../api/problem';
import { applyProblem, ProblemAlert } from '../../ui/forms';

/**
 * What the SMTP (outgoing) and IMAP (mailbox) forms share: the provider picker, the server
 * fields, the connection test with its explanation, and the buttons. Each form keeps only its
 * own fields and the routes it calls.
 */

export const SECURITY = ['ssl', 'starttls', 'none'] as const;
export type Security = (typeof SECURITY)[number];
export type ServerKind = 'smtp' | 'imap';

/** The fields both forms have (the form's other values are its own). */
export interface ServerValues {
  host: string;
  port: number | string;
  security: string;
  username: string;
  password: string;
}

export interface Preset {
  id: string;
  name: string;
  host: string;
  port: number;
  security: string;
  auth: string;
  note?: string;
  doc?: string;
}

/** A connection test's outcome as the API gives it: a stable code and its values. */
export interface VerifyOutcome {
  ok: boolean;
  code: string;
  params: Record<string, string | number>;
  folders?: string[];
}

/** Picks a provider and fills host, port and security; says what the provider asks for (app password, OAuth2...). */
/** Picking a provider fills the form's host, port and security; the choice itself is kept by the caller (`onChange`). */
export function PresetPicker({ presets, value, onChange, form }: {
  presets: Preset[];
  value: string | null;
  onChange(id: string | null): void;
  form: { setValues(values: Pick<Preset, 'host' | 'port' | 'security'>): void };
}) {
  const { t, i18n } = useTranslation('settings');
  const preset = presets.find((p) => p.id === value);
  // The providers' notes are written in French (they quote French help pages): French readers get the note, others
  // the translated gist of what the provider asks for (app password, OAuth2).
  const authHint = preset && preset.auth !== 'password' ? t(`presets.auth.${preset.auth}`) : null;
  const note = preset?.note && i18n.resolvedLanguage === 'fr' ? preset.note : authHint;
  return (
    <>
      <Select
        label={t('smtp.preset')}
        description={t('smtp.presetHelp')}
        placeholder={t('smtp.presetPlaceholder')}
        searchable
        clearable
        data={presets.map((p) => ({ value: p.id, label: p.name }))}
        value={value}
        onChange={(id) => {
          onChange(id);
          const picked = presets.find((p) => p.id === id);
          if (picked) form.setValues({ host: picked.host, port: picked.port, security: picked.security });
        }}
      />
      {preset && (note || preset.doc) && (
        <Alert color="blue" role="note" data-testid="preset-note">
          {note && <Text size="sm">{note}</Text>}
          {preset.doc && (
            <Anchor href={preset.doc} target="_blank" rel="noreferrer" size="sm" c="inherit" underline="always">
              {t('presets.doc', { name: preset.name })}
            </Anchor>
          )}
        </Alert>
      )}
    </>
  );
}

/** Host, port, security, username and password, labelled for the protocol. */
export function ServerFields<T extends ServerValues>({ form, kind, usernameRequired, passwordDescription }: { form: UseFormReturnType<T>; kind: ServerKind; usernameRequired?: boolean; passwordDescription?: ReactNode }) {
  const { t } = useTranslation('settings');
  const f = form as unknown as UseFormReturnType<ServerValues>;
  const labelId = `${kind}-security-label`;
  return (
    <>
      <Group grow align="start">
        <TextInput label={t(kind === 'smtp' ? 'smtp.host' : 'mailbox.host')} placeholder={kind === 'imap' ? 'imap.example.org' : undefined} required {...f.getInputProps('host')} />
        <NumberInput label={t('smtp.port')} min={1} max={65535} required {...f.getInputProps('port')} />
      </Group>
      <div>
        <Text size="sm" fw={500} id={labelId}>
          {t('smtp.security')}
        </Text>
        <SegmentedControl aria-labelledby={labelId} data={SECURITY.map((s) => ({ value: s, label: t(`smtp.securityName.${s}`) }))} {...f.getInputProps('security')} />
      </div>
      <Group grow align="start">
        <TextInput label={t(kind === 'smtp' ? 'smtp.username' : 'mailbox.username')} autoComplete="off" required={usernameRequired} {...f.getInputProps('username')} />
        <PasswordInput label={t('smtp.password')} autoComplete="new-password" description={passwordDescription} {...f.getInputProps('password')} />
      </Group>
    </>
  );
}

/** The API's explanation of a connection test, in the reader's language: what failed, and what to try. */
export function VerifyResult({ result, kind }: { result: VerifyOutcome | null; kind: ServerKind }) {
  const { t } = useTranslation('settings');
  if (!result) return null;
  const key = `verify.${kind}.${result.code}`;
  const values = { ...result.params, count: typeof result.params.count === 'number' ? result.params.count : undefined };
  const hint = t(`${key}.hint`, { ...values, defaultValue: '' });
  const technical = result.params.serverResponse ?? result.params.detail;
  return (
    <Alert color={result.ok ? 'green' : 'red'} title={result.ok ? t('test.ok') : t('test.failed')} role="status" data-testid="verify-result" data-code={result.code}>
      <Text size="sm">{t(`${key}.message`, { ...values, defaultValue: t('verify.unknown') })}</Text>
      {hint && (
        <Text size="sm" mt={4}>
          {hint}
        </Text>
      )}
      {!result.ok && result.folders && result.folders.length > 0 && (
        <Text size="sm" mt={4}>
          {t('verify.folders', { list: result.folders.join(', ') })}
        </Text>
      )}
      {technical !== undefined && (
        <>
          <Text size="xs" mt={4} c="dimmed">
            {t(result.params.serverResponse !== undefined ? 'verify.serverSaid' : 'verify.technical')}
          </Text>
          <Code block>{String(technical)}</Code>
        </>
      )}
    </Alert>
  );
}

type ApiResult<D> = { data?: D; error?: unknown };

/**
 * The test and save of a server form: problem+json errors go next to their fields, the test's
 * outcome is kept for VerifyResult.
 */
export function useServerForm<T extends ServerValues, R extends VerifyOutcome>(form: UseFormReturnType<T>, calls: { verify(): Promise<ApiResult<R>>; save(): Promise<ApiResult<unknown>>; onSaved(): Promise<void> | void }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [result, setResult] = useState<R | null>(null);
  const fields = form as unknown as UseFormReturnType<Record<string, unknown>>;
  const [testing, setTesting] = useState(false);
  const test = async () => {
    setProblem(null);
    setResult(null);
    setTesting(true);
    const res = await calls.verify();
    setTesting(false);
    if (res.error) setProblem(applyProblem(fields, res.error));
    else if (res.data) setResult(res.data);
  };
  const save = form.onSubmit(async () => {
    setProblem(null);
    const res = await calls.save();
    if (res.error) return setProblem(applyProblem(fields, res.error));
    await calls.onSaved();
  });
  return { problem, result, testing, test, save };
}

/** The problem, the test's outcome and the Test / Save buttons under a server form. */
export function ServerFormFooter({ kind, state, submitting, saveLabel, extra }: { kind: ServerKind; state: { problem: Problem | null; result: VerifyOutcome | null; testing: boolean; test(): Promise<void> }; submitting: boolean; saveLabel: string; extra?: ReactNode }) {
  const { t } = useTranslation('settings');
  return (
    <Stack>
      <ProblemAlert problem={state.problem} />
      <VerifyResult result={state.result} kind={kind} />
      <Group>
        <Button variant="default" leftSection={<IconPlugConnected size={16} />} loading={state.testing} onClick={() => void state.test()}>
          {t('test.button')}
        </Button>
        <Button type="submit" loading={submitting}>
          {saveLabel}
        </Button>
        {extra}
      </Group>
    </Stack>
  );
}
