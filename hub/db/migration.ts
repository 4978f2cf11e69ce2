/** One schema step of one hub module; applied once, in list order, recorded by name. */
export interface Migration {
  /** Unique and never renamed, e.g. `ingest-1`. */
  name: string;
  sql: string;
}
