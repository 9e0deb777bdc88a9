/** Geometry read from the DOM of a page in Chromium: where boxes are, whether they fit and overlap. */
import type { Page } from 'playwright-core';

export interface Box {
  id: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
  visible: boolean;
}

export async function boxes(page: Page, ids: readonly string[]): Promise<Box[]> {
  return page.evaluate((list) => {
    return list.map((id) => {
      const el = document.getElementById(id);
      if (!el) return { id, left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0, visible: false };
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      const visible =
        r.width > 0 &&
        r.height > 0 &&
        style.visibility !== 'hidden' &&
        el.closest('[hidden]') === null &&
        el.checkVisibility();
      return {
        id,
        left: r.left,
        top: r.top,
        right: r.right,
        bottom: r.bottom,
        width: r.width,
        height: r.height,
        visible,
      };
    });
  }, ids);
}

/** Boxes that stick out of the viewport (half a pixel of rounding allowed). */
export async function outsideViewport(page: Page, list: readonly Box[]): Promise<string[]> {
  const { w, h } = await page.evaluate(() => ({ w: window.innerWidth, h: window.innerHeight }));
  return list
    .filter((b) => b.left < -0.5 || b.top < -0.5 || b.right > w + 0.5 || b.bottom > h + 0.5)
    .map((b) => `${b.id} ${JSON.stringify(b)} outside ${w}×${h}`);
}

/** Pairs of boxes whose areas intersect. */
export function overlaps(list: readonly Box[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i]!;
      const b = list[j]!;
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 0.5 && y > 0.5) found.push(`${a.id} overlaps ${b.id}`);
    }
  }
  return found;
}

/** Whether the document can scroll (horizontally or vertically). */
export function pageScrolls(page: Page): Promise<{ x: boolean; y: boolean }> {
  return page.evaluate(() => {
    const s = document.scrollingElement ?? document.documentElement;
    return { x: s.scrollWidth > window.innerWidth, y: s.scrollHeight > window.innerHeight };
  });
}

/** Words that only appear when data leaked through unchecked, in the text a person can see. */
export async function leakedWords(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  return [...text.matchAll(/\b(null|undefined|NaN|\[object Object\])\b/gi)].map((m) => m[0]);
}

/** Lines a block of text takes on screen. */
export function renderedLines(page: Page, id: string): Promise<number> {
  return page.$eval(`#${id}`, (el) =>
    Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)),
  );
}
