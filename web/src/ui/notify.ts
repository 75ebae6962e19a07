import { notifications } from '@mantine/notifications';
import i18n from '../i18n';

/** A toast whose close button is labelled (axe: button-name), in the current language. */
export function notify(color: 'green' | 'red' | 'orange' | 'blue', message: string): void {
  notifications.show({ color, message, closeButtonProps: { 'aria-label': i18n.t('close', { ns: 'ui' }) } });
}
