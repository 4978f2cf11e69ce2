/** The media type of the text this module writes, for the response's Content-Type. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge';

/** Label name → value, written in this order. */
export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels?: Labels;
  value: number;
}

/** One metric: its name, what it measures (HELP), its type, and a sample per label set. */
export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: readonly Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The Prometheus text exposition format 0.0.4: each family as `# HELP`, `# TYPE` and its samples,
 * in the order given. A family without samples is left out (HELP and TYPE alone tell a scraper
 * nothing). Names that Prometheus would refuse, a counter not named `*_total`, a family listed
 * twice or a label set repeated within a family are mistakes in the code that builds the
 * families, so they throw rather than produce text a scrape would fail on.
 */
export function writeExposition(families: readonly MetricFamily[]): string {
  const seen = new Set<string>();
  let out = '';
  for (const family of families) {
    checkFamily(family);
    if (seen.has(family.name)) throw new Error(`metric family ${family.name} is listed twice`);
    seen.add(family.name);
    if (family.samples.length === 0) continue;
    out += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
    const labelSets = new Set<string>();
    for (const sample of family.samples) {
      const labels = writeLabels(family.name, sample.labels);
      if (labelSets.has(labels)) throw new Error(`metric ${family.name} has two samples labelled ${labels === '' ? '{}' : labels}`);
      labelSets.add(labels);
      out += `${family.name}${labels} ${formatValue(sample.value)}\n`;
    }
  }
  return out;
}

/** A sample value as Prometheus reads it: integers without a fraction or exponent where they fit, `NaN`, `+Inf`, `-Inf`. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  // The shortest text that reads back as the same double (JavaScript writes -0 as 0).
  return String(value);
}

/** HELP text: backslash and line feed escaped. */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\\' ? '\\\\' : '\\n'));
}

/** A label value: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : '\\n'));
}

function checkFamily(family: MetricFamily): void {
  if (!METRIC_NAME.test(family.name)) throw new Error(`"${family.name}" is not a valid metric name`);
  if (family.type === 'counter' && !family.name.endsWith('_total')) throw new Error(`counter ${family.name} must be named *_total`);
  if (family.type !== 'counter' && family.type !== 'gauge') throw new Error(`metric ${family.name} has an unknown type "${String(family.type)}"`);
}

function writeLabels(metric: string, labels: Labels | undefined): string {
  if (labels === undefined) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(labels)) {
    // Names starting with __ are reserved for Prometheus itself.
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`"${name}" is not a valid label name (metric ${metric})`);
    parts.push(`${name}="${escapeLabelValue(value)}"`);
  }
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}
