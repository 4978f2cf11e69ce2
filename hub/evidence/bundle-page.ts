import { createHash } from 'node:crypto';
import { BUNDLE_FILES, type BundleManifest } from './bundle-format.js';

/**
 * VERIFY.html: one printable page, in English and Simplified Chinese, telling HR, a lawyer or the
 * panel's expert what the bundle proves and how to check it with sha256sum, openssl and (optionally)
 * python3, without rollcall. It lists every file's SHA-256 so a printed copy fixes what was handed
 * over. The page itself proves nothing: the signed checkpoint does.
 */
export function verifyPage(manifest: BundleManifest, checkpointText: string, files: ReadonlyMap<string, Buffer>): string {
  const fileRows = [...files.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, bytes]) => `<tr><td><code>${esc(name)}</code></td><td><code class="hash">${createHash('sha256').update(bytes).digest('hex')}</code></td></tr>`)
    .join('\n');
  const entryRows = manifest.entries
    .map((e) => `<tr><td>${e.caseSeq}</td><td>${e.index}</td><td>${new Date(e.atMs).toISOString()}</td><td><code>${esc(e.kind)}</code></td><td><code class="hash">${e.leafHash}</code></td></tr>`)
    .join('\n');
  const docRows = manifest.documents.length === 0
    ? '<tr><td colspan="3">(none / 无)</td></tr>'
    : manifest.documents.map((d) => `<tr><td><code>${esc(d.file)}</code></td><td>${esc(d.name)}</td><td>${esc(d.mediaType)}, ${d.size} bytes</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Evidence bundle, case ${manifest.caseId} / 证据包，案件 ${manifest.caseId}</title>
<style>
body { font-family: "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.5; }
h2 { border-bottom: 1px solid #999; margin-top: 1.5em; }
.zh { color: #333; }
table { border-collapse: collapse; width: 100%; font-size: 0.85em; }
td, th { border: 1px solid #bbb; padding: 0.2em 0.4em; text-align: left; vertical-align: top; }
pre { background: #f4f4f4; padding: 0.6em; white-space: pre-wrap; font-size: 0.85em; }
code.hash { word-break: break-all; }
@media print { pre { border: 1px solid #ccc; } }
</style>
</head>
<body>
<h1>Evidence bundle for case ${manifest.caseId}<br><span class="zh">案件 ${manifest.caseId} 证据包</span></h1>

<h2>What this bundle proves / 本证据包证明什么</h2>
<p>The files in <code>entries/</code> are the records the rollcall hub wrote about this case, each at the time it happened
(reminders, notices, deliveries, decisions). The hub keeps every record in one append-only log, a Merkle tree as defined in
RFC 6962 / RFC 9162 (the structure of Certificate Transparency), and signs the tree's root with its Ed25519 key
(key id <code>${esc(manifest.checkpoint.keyId)}</code>). If any record were changed, removed, reordered or inserted afterwards,
the hashes below would no longer lead to the signed root. The case's records are also chained to each other, and the last
one (<code>case_sealed</code>) states how many came before it, so a bundle that leaves one out does not verify.</p>
<p class="zh"><code>entries/</code> 目录中的文件是 rollcall 考勤中心在事情发生时就本案写下的记录（提醒、通知、送达、决定）。
中心把所有记录写入同一个只能追加、不能修改的日志，即 RFC 6962 / RFC 9162 定义的默克尔树（证书透明度所用的结构），
并用其 Ed25519 密钥（密钥编号 <code>${esc(manifest.checkpoint.keyId)}</code>）对树根签名。
任何记录事后被修改、删除、调换顺序或插入，下面的哈希都将无法推导出已签名的树根。
本案的记录之间还前后相连，最后一条（<code>case_sealed</code>，封存记录）写明此前共有多少条记录，因此缺少任何一条的证据包都无法通过验证。</p>
<p>Ask the employer for the key id of its hub through a separate channel (for example in a signed letter) and compare it with
the one above: the bundle alone cannot show that the key is the employer's.</p>
<p class="zh">请通过其他途径（例如盖章函件）向用人单位索取其考勤中心的密钥编号，并与上面的编号核对：仅凭证据包本身无法证明该密钥属于用人单位。</p>

<h2>Step 1: the signature / 第一步：核对签名</h2>
<p>The signed text is <code>checkpoint.txt</code>; its raw 64-byte signature is <code>checkpoint.sig</code>; the public key is
<code>public-key.pem</code>. With OpenSSL 3 run, in this directory:</p>
<p class="zh">被签名的文本是 <code>checkpoint.txt</code>，64 字节的签名是 <code>checkpoint.sig</code>，公钥是 <code>public-key.pem</code>。
在本目录下用 OpenSSL 3 运行：</p>
<pre>openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in checkpoint.txt -sigfile checkpoint.sig</pre>
<p>It must print <code>Signature Verified Successfully</code>. / 输出必须是 <code>Signature Verified Successfully</code>。
The signed text / 被签名的文本：</p>
<pre>${esc(checkpointText)}</pre>
<p><code>size</code> is the number of records in the whole log when it was signed, <code>root</code> the tree's root hash (base64).
<span class="zh"><code>size</code> 是签名时整个日志的记录数，<code>root</code> 是树根哈希（base64 编码）。</span></p>

<h2>Step 2: each record's hash / 第二步：每条记录的哈希</h2>
<p>A record's leaf hash is SHA-256 of one zero byte followed by the file's exact bytes. It must equal the
<code>leafHash</code> of that record in <code>bundle.json</code> and in the table below:</p>
<p class="zh">一条记录的叶哈希等于：一个 0 字节加上该文件的全部原始字节，再计算 SHA-256。结果必须与 <code>bundle.json</code> 及下表中该记录的 <code>leafHash</code> 一致：</p>
<pre>(printf '\\000'; cat entries/${manifest.entries[0]?.index ?? 0}.json) | sha256sum</pre>
<table>
<tr><th>caseSeq<br>案内序号</th><th>index<br>日志序号</th><th>time (UTC)<br>时间（UTC）</th><th>kind<br>类型</th><th>leaf hash<br>叶哈希</th></tr>
${entryRows}
</table>

<h2>Step 3: from each record to the signed root / 第三步：从记录到已签名的树根</h2>
<p>For each record, <code>bundle.json</code> lists its inclusion proof: the sibling hashes from the record up to the root. Start
with r = the leaf hash, fn = the record's index, sn = size − 1, and for each proof hash p in order: if fn is odd or fn = sn,
set r = SHA-256(0x01 ‖ p ‖ r) and, if fn was even, halve fn and sn (dropping remainders) until fn is odd or 0; otherwise set
r = SHA-256(0x01 ‖ r ‖ p); then halve fn and sn once. At the end sn must be 0 and r must equal the signed root
(RFC 9162, section 2.1.3.2).</p>
<p class="zh"><code>bundle.json</code> 为每条记录列出包含证明，即从该记录到树根沿途的兄弟节点哈希。
令 r 为叶哈希，fn 为记录的日志序号，sn 为 size − 1，依次取证明中的每个哈希 p：若 fn 为奇数或 fn = sn，
则 r = SHA-256(0x01 ‖ p ‖ r)，且若 fn 为偶数，将 fn 与 sn 反复整除 2，直到 fn 为奇数或为 0；否则 r = SHA-256(0x01 ‖ r ‖ p)；
然后 fn 与 sn 各整除 2 一次。最后 sn 必须为 0，r 必须等于已签名的树根（RFC 9162 第 2.1.3.2 节）。</p>
<p>The same with python3, which also checks the chain of step 4 / 用 python3 完成同样的计算，并检查第四步的链条：</p>
<pre>${esc(PYTHON_CHECK)}</pre>

<h2>Step 4: the case's chain / 第四步：案件记录链</h2>
<p>Each record of the case carries <code>caseSeq</code> (1, 2, 3, …) and <code>casePrev</code>, the leaf hash of the case's
previous record (null for the first). The last record, <code>case_sealed</code>, states in <code>data.entries</code> how many
records came before it and in <code>data.head</code> the leaf hash of the one just before it, and it is the last record of the
signed log (its index is size − 1).</p>
<p class="zh">本案每条记录都带有 <code>caseSeq</code>（1、2、3……）和 <code>casePrev</code>（本案上一条记录的叶哈希，第一条为 null）。
最后一条 <code>case_sealed</code> 封存记录在 <code>data.entries</code> 中写明此前的记录数，在 <code>data.head</code> 中写明紧邻其前一条记录的叶哈希，
且它是已签名日志中的最后一条记录（其日志序号等于 size − 1）。</p>

<h2>Step 5: the documents / 第五步：附件</h2>
<p>Each document's file name is its SHA-256; each record lists in <code>documents</code> the SHA-256 of the documents it relies
on. <code>sha256sum documents/*</code> must print each file's own name.</p>
<p class="zh">每个附件的文件名就是其 SHA-256 值；每条记录在 <code>documents</code> 中列出其所依据附件的 SHA-256。
运行 <code>sha256sum documents/*</code>，每个文件的结果必须与其文件名一致。</p>
<table>
<tr><th>file / 文件</th><th>name / 名称</th><th>type / 类型</th></tr>
${docRows}
</table>

<h2>Files as exported / 导出时的文件清单</h2>
<p><code>sha256sum</code> of every file at export (this page excepted). / 导出时各文件的 <code>sha256sum</code>（本页除外）。</p>
<table>
<tr><th>file / 文件</th><th>SHA-256</th></tr>
${fileRows}
</table>
<p>rollcall checks all of the above with <code>rollcall evidence verify &lt;this directory&gt; --key public-key.pem</code>,
given the employer's public key. / 持有用人单位的公钥时，rollcall 可用上述命令一次完成以上全部检查。</p>
</body>
</html>
`;
}

/** Run in the bundle directory: prints one line per record and a last line OK or FAILED. */
export const PYTHON_CHECK = `import base64, hashlib, json
H = lambda b: hashlib.sha256(b).digest()
m = json.load(open('${BUNDLE_FILES.manifest}', encoding='utf-8'))
lines = open('${BUNDLE_FILES.checkpoint}', encoding='utf-8').read().split('\\n')
size, root = int(lines[2][5:]), base64.b64decode(lines[3][5:])
es = sorted(m['entries'], key=lambda e: e['caseSeq'])
good, prev, n = len(es) > 0, None, 0
for n, e in enumerate(es, 1):
    data = open(e['file'], 'rb').read()
    body, r = json.loads(data), H(b'\\x00' + data)
    fn, sn, ok = body['index'], size - 1, body['index'] < size
    for p in map(bytes.fromhex, e['inclusionProof']):
        if sn == 0: ok = False; break
        if fn % 2 == 1 or fn == sn:
            r = H(b'\\x01' + p + r)
            while fn % 2 == 0 and fn != 0: fn, sn = fn // 2, sn // 2
        else:
            r = H(b'\\x01' + r + p)
        fn, sn = fn // 2, sn // 2
    ok = ok and sn == 0 and r == root and body['caseSeq'] == n and body['casePrev'] == prev
    prev = H(b'\\x00' + data).hex()
    good = good and ok
    print(n, body['index'], body['kind'], 'OK' if ok else 'FAILED')
last = json.loads(open(es[-1]['file'], 'rb').read()) if es else {}
good = good and last.get('kind') == 'case_sealed' and last['data']['entries'] == n - 1 and last['index'] == size - 1
print('OK' if good else 'FAILED')`;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
