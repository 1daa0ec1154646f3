/**
 * The part of the Canvas 2D API the renderers use, as a structural type: an
 * `@napi-rs/canvas` SKRSContext2D, a browser CanvasRenderingContext2D and an
 * OffscreenCanvasRenderingContext2D all satisfy it, so one drawing code serves
 * Node and the browser. Style properties are `unknown` because each
 * implementation types gradients and patterns differently; we only assign strings.
 */
export type TextAlign = 'center' | 'end' | 'left' | 'right' | 'start';
export type TextBaseline = 'alphabetic' | 'bottom' | 'hanging' | 'ideographic' | 'middle' | 'top';
export type TextDirection = 'inherit' | 'ltr' | 'rtl';

export interface Canvas2D {
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  font: string;
  textAlign: TextAlign;
  textBaseline: TextBaseline;
  direction: TextDirection;
  save(): void;
  restore(): void;
  translate(x: number, y: number): void;
  rotate(angle: number): void;
  scale(x: number, y: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  rect(x: number, y: number, w: number, h: number): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  clip(): void;
  fill(): void;
  stroke(): void;
  fillText(text: string, x: number, y: number, maxWidth?: number): void;
  measureText(text: string): { width: number };
}

/** A canvas the caller hands in (HTMLCanvasElement, OffscreenCanvas, @napi-rs/canvas Canvas). */
export interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): Canvas2D | null;
}

/** Width of `text` in CSS pixels at a font size; the canvas path measures, the SVG path estimates. */
export type MeasureText = (text: string, font: string) => number;
