// Control characters other than tab, line feed and carriage return (C0, DEL, C1), the noncharacters
// U+FFFE and U+FFFF, and halves of surrogate pairs standing alone.
// eslint-disable-next-line no-control-regex -- naming control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Text staff typed (or pasted) without the characters no reader sees: control characters and broken
 * surrogates. Left in, each output would treat them its own way (XML feeds must drop them, a page shows
 * a box, a mail header may break), so the same statement would read differently everywhere.
 */
export const withoutControlCharacters = (text: string): string => text.replace(INVISIBLE, '')

/** A one-line text (a title, a name): also line breaks and tabs become spaces, as a single-line input shows them. */
export const oneLine = (text: string): string => withoutControlCharacters(text).replace(/[\t\r\n]+/g, ' ')
