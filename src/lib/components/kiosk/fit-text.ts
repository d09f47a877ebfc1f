// A figure that shrinks to fit its box instead of wrapping: the element's CSS font size is the
// largest it may be; when the text is wider than the box, the size is scaled down until it fits on
// one line. Re-fitted when the text or the box changes.
import type { Attachment } from 'svelte/attachments';

export const fitText: Attachment<HTMLElement> = (el) => {
  const fit = () => {
    el.style.fontSize = '';
    const max = parseFloat(getComputedStyle(el).fontSize);
    const room = el.clientWidth;
    const need = el.scrollWidth;
    if (room > 0 && need > room) el.style.fontSize = `${Math.floor(max * (room / need) * 0.97 * 10) / 10}px`;
  };
  fit();
  const resize = new ResizeObserver(() => fit());
  resize.observe(el.parentElement ?? el);
  const mutation = new MutationObserver(() => fit());
  mutation.observe(el, { characterData: true, childList: true, subtree: true });
  return () => {
    resize.disconnect();
    mutation.disconnect();
  };
};
