/** Types of ansi.js (plain JavaScript: it is served to the browser as it is). */
export interface AnsiSegment {
  text: string;
  classes: string[];
  css: string;
}
export function escapeHtml(text: string): string;
export function createAnsiParser(): { push(chunk: string): AnsiSegment[] };
export function segmentsToHtml(segments: readonly AnsiSegment[]): string;
export function ansiToHtml(text: string): string;
