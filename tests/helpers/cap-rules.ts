import { XMLParser, XMLValidator } from 'fast-xml-parser'

/**
 * The structure CAP 1.2 (OASIS Standard, 2010) gives an alert and its info blocks: each element in
 * its place in the sequence, how often it may occur, and the values its enumerations and date-times
 * allow. A check written from the standard's text, standing in for its XML schema, which this
 * machine cannot fetch.
 */
type Rule = { name: string; min: number; max: number }
const rule = (name: string, min = 1, max = 1): Rule => ({ name, min, max })
const MANY = Number.POSITIVE_INFINITY

const ALERT: Rule[] = [
  rule('identifier'),
  rule('sender'),
  rule('sent'),
  rule('status'),
  rule('msgType'),
  rule('source', 0),
  rule('scope'),
  rule('restriction', 0),
  rule('addresses', 0),
  rule('code', 0, MANY),
  rule('note', 0),
  rule('references', 0),
  rule('incidents', 0),
  rule('info', 0, MANY),
]

const INFO: Rule[] = [
  rule('language', 0),
  rule('category', 1, MANY),
  rule('event'),
  rule('responseType', 0, MANY),
  rule('urgency'),
  rule('severity'),
  rule('certainty'),
  rule('audience', 0),
  rule('eventCode', 0, MANY),
  rule('effective', 0),
  rule('onset', 0),
  rule('expires', 0),
  rule('senderName', 0),
  rule('headline', 0),
  rule('description', 0),
  rule('instruction', 0),
  rule('web', 0),
  rule('contact', 0),
  rule('parameter', 0, MANY),
  rule('resource', 0, MANY),
  rule('area', 0, MANY),
]

const VALUES: Record<string, string[]> = {
  status: ['Actual', 'Exercise', 'System', 'Test', 'Draft'],
  msgType: ['Alert', 'Update', 'Cancel', 'Ack', 'Error'],
  scope: ['Public', 'Restricted', 'Private'],
  category: ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'],
  responseType: ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'],
  urgency: ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'],
  severity: ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'],
  certainty: ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'],
}
/** CAP's dateTime: seconds, and an offset written out ("Z" is not allowed). */
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$/
const DATE_TIMES = ['sent', 'effective', 'onset', 'expires']
/** identifier and sender: no spaces, commas, "<" or "&". */
const NO_DELIMITERS = /^[^\s,<&]+$/

type Node = Record<string, unknown> & { ':@'?: Record<string, string> }
const nameOf = (node: Node) => Object.keys(node).find((key) => key !== ':@')!
const textOf = (node: Node): string => ((node[nameOf(node)] as Node[]).find((child) => '#text' in child)?.['#text'] as string | undefined)?.toString() ?? ''

function checkSequence(where: string, children: Node[], rules: Rule[], problems: string[]) {
  const names = children.map(nameOf).filter((name) => name !== '#text')
  let index = 0
  for (const { name, min, max } of rules) {
    let count = 0
    while (names[index] === name) [index, count] = [index + 1, count + 1]
    if (count < min) problems.push(`${where}: ${name} missing (or out of order)`)
    if (count > max) problems.push(`${where}: ${name} ${count} times, at most ${max}`)
  }
  if (index < names.length) problems.push(`${where}: ${names[index]} is not allowed there`)
}

function checkValues(where: string, children: Node[], problems: string[]) {
  for (const child of children) {
    const name = nameOf(child)
    const value = textOf(child)
    if (VALUES[name] && !VALUES[name].includes(value)) problems.push(`${where}/${name}: "${value}" is not one of ${VALUES[name].join(', ')}`)
    if (DATE_TIMES.includes(name) && !DATE_TIME.test(value)) problems.push(`${where}/${name}: "${value}" is not a CAP date-time`)
    if ((name === 'identifier' || name === 'sender') && !NO_DELIMITERS.test(value)) problems.push(`${where}/${name}: "${value}" has a space, comma, < or &`)
    if (name === 'web' && !URL.canParse(value)) problems.push(`${where}/web: "${value}" is not an absolute URI`)
    if (name === 'references') {
      for (const reference of value.split(' ')) {
        const parts = reference.split(',')
        if (parts.length !== 3 || !DATE_TIME.test(parts[2]!)) problems.push(`${where}/references: "${reference}" is not sender,identifier,sent`)
      }
    }
  }
}

/** What is wrong with one CAP 1.2 alert document (empty when nothing is). */
export function capViolations(alertXml: string): string[] {
  const wellFormed = XMLValidator.validate(alertXml)
  if (wellFormed !== true) return [`not well-formed: ${wellFormed.err.msg}`]
  const [root] = (new XMLParser({ preserveOrder: true, ignoreAttributes: false, parseTagValue: false }).parse(alertXml) as Node[]).filter((node) => nameOf(node) !== '?xml')
  if (!root || nameOf(root) !== 'alert') return ['the root element is not alert']
  const problems: string[] = []
  if (root[':@']?.['@_xmlns'] !== 'urn:oasis:names:tc:emergency:cap:1.2') problems.push('alert is not in the CAP 1.2 namespace')
  const children = root.alert as Node[]
  checkSequence('alert', children, ALERT, problems)
  checkValues('alert', children, problems)
  children
    .filter((child) => nameOf(child) === 'info')
    .forEach((info, index) => {
      checkSequence(`info[${index}]`, info.info as Node[], INFO, problems)
      checkValues(`info[${index}]`, info.info as Node[], problems)
    })
  return problems
}
