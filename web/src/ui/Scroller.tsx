import { ScrollArea } from '@mantine/core';
import { useCallback, useRef, useState, type ReactNode } from 'react';

/**
 * A box that scrolls what does not fit (a wide table on a phone, a long text). While its content
 * overflows, the box itself is a named, focusable group (not a landmark: it would repeat its section's name), so a keyboard user can reach it and
 * scroll it with the arrow keys even when nothing inside takes the focus (axe
 * scrollable-region-focusable); when all fits it is no tab stop at all.
 */
export function Scroller({ label, maxHeight, children }: { label: string; maxHeight?: number; children: ReactNode }) {
  const [overflows, setOverflows] = useState(false);
  const observer = useRef<ResizeObserver | null>(null);
  const viewportRef = useCallback((el: HTMLDivElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el) return;
    const measure = () => setOverflows(el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    observer.current = new ResizeObserver(measure);
    observer.current.observe(el);
    if (el.firstElementChild) observer.current.observe(el.firstElementChild);
  }, []);
  const viewportProps = overflows ? { tabIndex: 0, role: 'group', 'aria-label': label } : {};
  return maxHeight ? (
    <ScrollArea.Autosize mah={maxHeight} type="auto" viewportRef={viewportRef} viewportProps={viewportProps}>
      {children}
    </ScrollArea.Autosize>
  ) : (
    <ScrollArea type="auto" viewportRef={viewportRef} viewportProps={viewportProps}>
      {children}
    </ScrollArea>
  );
}
