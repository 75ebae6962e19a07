import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema';
import { ReasonDetails, useReasons } from '../reasons/Reasons';
import { failureText, failureWords } from './words';

type BounceKey = NonNullable<components['schemas']['BounceReason']>['reason'];
const SERVER_REPLIES = ['SMTP_PERMANENT', 'SMTP_TRANSIENT', 'SMTP_AUTH_FAILED'];

/**
 * A failure the engine recorded, in the reader's language: the mail server's own reply is
 * explained by its bounce reason with the reply below as it came; Mailroom's own failures
 * are worded from their code and values, a technical detail below. `words` (the API's English)
 * only when the API gave no code.
 */
export function Failure({ code, params, words, bounce, size = 'sm' }: { code: string | null | undefined; params: Record<string, string | number> | null | undefined; words: string | null | undefined; bounce?: BounceKey | null; size?: 'xs' | 'sm' }) {
  const { t } = useTranslation('problems');
  const reasons = useReasons();
  if (!code) return words ? <Text size={size} c="red">{words}</Text> : null;
  const text = failureText(code, params ?? {});
  const said = failureWords(params);
  // Words the sentence already says are not said twice.
  const detail = said && !text.includes(said) ? said : null;
  if (SERVER_REPLIES.includes(code) && typeof params?.response === 'string' && bounce) {
    return (
      <>
        <Text size={size} c="red" data-failure={code}>{reasons.bounce(bounce)}</Text>
        <ReasonDetails details={params.response} />
      </>
    );
  }
  return (
    <>
      <Text size={size} c="red" data-failure={code}>{text}</Text>
      {detail && !SERVER_REPLIES.includes(code) ? (
        <Text size="xs" c="gray.7" style={{ overflowWrap: 'anywhere' }}>
          {t('details', { details: detail })}
        </Text>
      ) : detail ? (
        <ReasonDetails details={detail} />
      ) : null}
    </>
  );
}
