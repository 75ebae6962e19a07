import { Modal, type ModalProps } from '@mantine/core';
import { useLayoutEffect } from 'react';

/**
 * A Modal mounted when it opens (`{editing && <Dialog …>}`) that gives the focus back to the
 * control that opened it when it goes. Mantine's Modal does that only for a modal that stays
 * mounted and toggles `opened`; without it a keyboard user lands at the top of the page.
 */
export function Dialog(props: Omit<ModalProps, 'opened'>) {
  // Layout effect: read the opener before the modal's focus trap moves the focus inside.
  useLayoutEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => {
      // A frame later: the modal's focus trap has let go by then.
      requestAnimationFrame(() => {
        if (opener?.isConnected) opener.focus({ preventScroll: true });
      });
    };
  }, []);
  return <Modal opened {...props} />;
}
