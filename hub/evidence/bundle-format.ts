import { z } from 'zod';

/**
 * The layout of an exported case bundle. Everything a verifier needs is in the directory; the
 * signed checkpoint is the one anchor, and every other file is bound to it by hashes.
 */
export const BUNDLE_FORMAT = 'rollcall-evidence-bundle/1';

export const BUNDLE_FILES = {
  manifest: 'bundle.json',
  checkpoint: 'checkpoint.txt',
  signature: 'checkpoint.sig',
  publicKey: 'public-key.pem',
  page: 'VERIFY.html',
  entries: 'entries',
  documents: 'documents',
} as const;

const Hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256 hex');
const Index = z.number().int().min(0);

const ManifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  caseId: z.number().int(),
  /** What the seal says: the case's chain length through the seal, and the seal's leaf hash. */
  case: z.object({ entries: z.number().int().min(1), head: Hex32 }),
  checkpoint: z.object({ treeSize: Index, rootHash: Hex32, time: z.string(), keyId: z.string() }),
  entries: z.array(
    z.object({
      index: Index,
      caseSeq: z.number().int().min(1),
      kind: z.string(),
      atMs: z.number().int(),
      leafHash: Hex32,
      file: z.string(),
      /** RFC 9162 inclusion path (hex), leaf to root, against the checkpoint. */
      inclusionProof: z.array(Hex32),
    }),
  ),
  documents: z.array(z.object({ sha256: Hex32, mediaType: z.string(), name: z.string(), size: Index, file: z.string() })),
});

export type BundleManifest = z.infer<typeof ManifestSchema>;

/** The manifest, or every way it is not one. */
export function parseManifest(text: string): { ok: true; manifest: BundleManifest } | { ok: false; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`${BUNDLE_FILES.manifest} is not JSON: ${(err as Error).message}`] };
  }
  const r = ManifestSchema.safeParse(raw);
  if (r.success) return { ok: true, manifest: r.data };
  return { ok: false, problems: r.error.issues.map((i) => `${BUNDLE_FILES.manifest}: ${i.path.join('.') || '(top)'}: ${i.message}`) };
}

export function entryFileName(index: number): string {
  return `${BUNDLE_FILES.entries}/${index}.json`;
}

export function documentFileName(sha256: string, mediaType: string): string {
  return `${BUNDLE_FILES.documents}/${sha256}${EXTENSIONS[mediaType.toLowerCase()] ?? ''}`;
}

/** Extensions so a reader's computer opens each document with the right program; unknown types get none. */
const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/heic': '.heic',
  'image/tiff': '.tif',
  'text/plain': '.txt',
  'text/csv': '.csv',
  'text/html': '.html',
  'application/json': '.json',
  'application/xml': '.xml',
  'message/rfc822': '.eml',
  'audio/mpeg': '.mp3',
  'audio/amr': '.amr',
  'audio/wav': '.wav',
  'video/mp4': '.mp4',
  'application/zip': '.zip',
  'application/msword': '.doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/vnd.ms-excel': '.xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'application/ofd': '.ofd',
};
