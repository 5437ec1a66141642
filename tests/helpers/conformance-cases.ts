/**
 * The conformance matrix's statements: hostile but legitimate text a member of staff may well type or
 * paste. Each is published once, urgent, in a topic named like its title, and read back from every
 * output. `reads` is what a reader must see when staff's text holds characters the content model
 * drops at save (control characters); otherwise exactly what was typed.
 */
export type ConformanceCase = {
  name: string
  title: string
  summary: string
  body: string
  reads?: { title: string; summary: string }
}

const words = (count: number, word: string) => Array.from({ length: count }, (_, index) => `${word}${index + 1}`).join(' ')
const exactly = (length: number, text: string) => {
  const cut = text.slice(0, length)
  if (cut.length !== length) throw new Error(`need ${length} characters, have ${cut.length}`)
  return cut
}

export const BASELINE: ConformanceCase = { name: 'plain text (baseline)', title: 'Food bank opening hours change', summary: 'The centre opens at nine from Monday.', body: 'Plain body text.' }

export const CASES: ConformanceCase[] = [
  BASELINE,
  {
    name: 'markup-looking text',
    title: 'R&D <script>alert(1)</script> <b>bold</b> <img src=x onerror=alert(2)>',
    summary: '<a href="javascript:alert(3)">click</a> <!-- comment --> <style>body{display:none}</style> </p></div>',
    body: '<iframe src="https://evil.example"></iframe> <svg onload=alert(4)> stays text',
  },
  {
    name: 'ampersands and entities',
    title: 'Fish & chips &amp; &lt;tag&gt; &#169; &copy; AT&T',
    summary: 'Q&A: 5 < 6 && 7 > 3; &nbsp; &#x3C;script&#x3E; &unknown; stay as typed',
    body: 'Tom & Jerry &amp;&amp; &#0; &',
  },
  {
    name: 'CDATA end and quotes',
    title: 'Data ]]> end ]]]]> "double" \'single\' `back` “curly” ‘quotes’',
    summary: '<![CDATA[ not a section ]]> and "]]>" then \'\'',
    body: ']]> <![CDATA[ x ]]> "',
  },
  {
    name: 'control characters',
    title: 'Bell\u0007 escape\u001b NUL\u0000 and C1\u0085 removed',
    summary: 'Tab\tkept; form feed\u000c and DEL\u007f removed.',
    body: 'Plain body: the content model cleans titles and summaries.',
    reads: { title: 'Bell escape NUL and C1 removed', summary: 'Tab\tkept; form feed and DEL removed.' },
  },
  {
    name: 'template-looking text',
    title: 'How {{unsubscribe_url}} and {title} placeholders work',
    summary: 'Mail merges use {{preferences_url}}, %name%, ${name} and {{{raw}}}; {summary} and {url} too.',
    body: 'The footer link is {{unsubscribe_url}}.',
  },
  {
    name: 'right-to-left and mixed direction',
    title: 'تحذير: بنك الطعام (Food bank) يغلق الساعة 5 مساءً',
    summary: 'Hebrew שלום and English mixed, marks \u200f\u200e and isolates \u2067עברית 123\u2069 end.',
    body: 'نص عربي with English inside.',
  },
  {
    name: 'emoji and combining characters',
    title: '🚨 z\u0351\u0352a\u0353l\u0354g\u0355o, 👩🏽‍⚕️ nurses, 🏳️‍🌈 and e\u0301',
    summary: 'Family 👨‍👩‍👧‍👦, flags 🇬🇧🇺🇦, keycap 1️⃣, combining n\u0303o\u0308 and a lone ZWJ \u200d.',
    body: 'Emoji 🚨 in the body 👍🏿.',
  },
  {
    name: 'a 280-character summary',
    title: 'Summary at its limit',
    summary: exactly(280, `${words(60, 'demand')} end`),
    body: 'Body.',
  },
  {
    name: 'a very long title',
    title: exactly(200, `${words(40, 'longtitle')} end`),
    summary: 'The title is as long as titles may be.',
    body: 'Body.',
  },
  {
    name: 'a title in Arabic',
    title: 'بنوك الطعام على وشك الانهيار في الشمال',
    summary: 'ارتفع الطلب على الطرود الغذائية بمقدار الثلث هذا الشتاء.',
    body: 'نص الجسم.',
  },
  {
    name: 'a title in Cyrillic',
    title: 'Продовольственные банки на грани: спрос вырос на треть',
    summary: 'Спрос на экстренные продуктовые наборы вырос на треть этой зимой.',
    body: 'Текст заявления.',
  },
  {
    name: 'a title in Chinese',
    title: '食物银行濒临崩溃：需求增长三分之一',
    summary: '今年冬天，紧急食品包的需求增长了三分之一。',
    body: '声明正文。',
  },
]

/** What a reader must see of a case's title and summary. */
export const readsAs = (item: ConformanceCase) => item.reads ?? { title: item.title, summary: item.summary }
