/** Thumbs up / down drawn inline (emoji fonts are not everywhere; the stroke follows the theme's text colour). */
import { svg, type SVGTemplateResult } from 'lit';

const thumb = svg`<path d="M5 7v6H2.5V7zM5 7l2.6-4.6c.3-.5 1-.6 1.4-.2.3.3.4.7.3 1.1L8.7 6h3.8c.8 0 1.4.7 1.2 1.5l-1 4.4c-.1.6-.7 1.1-1.3 1.1H5"
  fill="none" stroke="currentColor" stroke-width="1.2" stroke-linejoin="round"/>`;

export const thumbsUpIcon: SVGTemplateResult = svg`<svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">${thumb}</svg>`;
export const thumbsDownIcon: SVGTemplateResult = svg`<svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" style="transform: rotate(180deg)">${thumb}</svg>`;
