/**
 * LangChain's terminal colours (`langchain_core.utils.input`): the names a printing handler
 * accepts and the exact escape codes Python prints for them.
 */

/** Colour name -> ANSI code, as Python's `_TEXT_COLOR_MAPPING`. */
export const TEXT_COLORS = Object.freeze({
  blue: "36;1",
  yellow: "33;1",
  pink: "38;5;200",
  green: "32;1",
  red: "31;1",
} as const);

/** A colour the printing handlers know. */
export type TextColor = keyof typeof TEXT_COLORS;

/** Checks a colour name, with an error that names it and the known ones. */
export function assertColor(color: string, where: string): asserts color is TextColor {
  if (!Object.hasOwn(TEXT_COLORS, color)) {
    throw new TypeError(`callbus: ${where}: unknown color ${JSON.stringify(color)}; known colors are ${Object.keys(TEXT_COLORS).join(", ")}`);
  }
}

/** Python's `get_colored_text`: the colour, then bold italic, then a reset. */
export function coloredText(text: string, color: string): string {
  assertColor(color, "coloredText()");
  return `\x1b[${TEXT_COLORS[color]}m\x1b[1;3m${text}\x1b[0m`;
}

/** Python's `get_bolded_text`. */
export function boldedText(text: string): string {
  return `\x1b[1m${text}\x1b[0m`;
}

/** What Python's `print_text(text, color, end)` writes: the text, coloured when a colour is given, then `end`. */
export function printText(text: string, color?: string, end = ""): string {
  return (color ? coloredText(text, color) : text) + end;
}
