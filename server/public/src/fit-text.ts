/**
 * Fitted type: the largest of `sizes` (in vh) at which `el` shows all its text within its line
 * clamp (CSS `-webkit-line-clamp`), else the smallest, where the clamp's ellipsis takes over.
 * Setting a style property from script is allowed by the CSP (only inline style attributes are not).
 */
export function fitText(el: HTMLElement, sizes: readonly number[]): void {
  for (const size of sizes) {
    el.style.fontSize = `${size}vh`;
    if (el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1) return;
  }
}
