/**
 * Fitted type: the largest of `sizes` (in vh) at which `el` shows all its text within its line
 * clamp (CSS `-webkit-line-clamp`), else the smallest, where the clamp's ellipsis takes over.
 * Setting a style property from script is allowed by the CSP (only inline style attributes are not).
 */
export function fitText(el: HTMLElement, sizes: readonly number[]): void {
  for (const size of sizes) {
    el.style.fontSize = `${size}vh`;
    // Tight line heights let glyphs poke a pixel or two out of the box; a clamped line is a whole line.
    const slack = parseFloat(getComputedStyle(el).fontSize) * 0.3;
    if (el.scrollHeight <= el.clientHeight + slack && el.scrollWidth <= el.clientWidth + 1) return;
  }
}
