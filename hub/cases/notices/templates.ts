/**
 * The shipped notice templates: printable HTML (A4), Simplified Chinese, `{{placeholder}}` for
 * the facts (each value HTML-escaped when filled in). A company replaces them in its policy
 * (`notices.returnToWorkTemplate`, `notices.terminationTemplate`); the placeholders available are
 * listed in render.ts.
 */

const STYLE = `
  @page { size: A4; margin: 25mm 22mm; }
  body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", SimSun, serif; font-size: 12pt; line-height: 1.9; color: #000; }
  h1 { text-align: center; font-size: 20pt; letter-spacing: 0.3em; margin: 0 0 1.5em; }
  p { margin: 0 0 0.8em; text-indent: 2em; }
  p.to, p.sign, p.date, p.cc { text-indent: 0; }
  p.sign, p.date { text-align: right; }
  .ref { font-size: 9pt; color: #444; text-indent: 0; margin-top: 3em; }`;

export const RETURN_TO_WORK_TEMPLATE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>限期返岗通知书 - {{name}}</title><style>${STYLE}</style></head>
<body>
<h1>限期返岗通知书</h1>
<p class="to">{{name}}（工号：{{employeeId}}，部门：{{department}}）：</p>
<p>经公司考勤记录核实，您自{{firstDate}}起未到岗上班，也未办理任何请假手续。截至{{asOfDate}}，您已旷工{{absentCount}}个工作日，具体为：{{absentDates}}。</p>
<p>根据{{handbookRule}}。请您于收到本通知之日起{{deadlineDays}}日内返回公司报到上班，并对缺勤原因作出书面说明、提供相关证明材料。</p>
<p>如您逾期未返岗，又未能说明正当理由，公司将依据{{legalBasis}}的规定，以严重违反用人单位规章制度为由解除与您的劳动合同。</p>
<p>特此通知。</p>
<p class="sign">{{company}}（盖章）</p>
<p class="date">{{issueDate}}</p>
<p class="ref">送达地址：{{postalAddress}}　　案件编号：{{caseId}}</p>
</body></html>
`;

export const TERMINATION_TEMPLATE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>解除劳动合同通知书 - {{name}}</title><style>${STYLE}</style></head>
<body>
<h1>解除劳动合同通知书</h1>
<p class="to">{{name}}（工号：{{employeeId}}，部门：{{department}}）：</p>
<p>您自{{firstDate}}起未到岗上班，也未办理任何请假手续，共旷工{{absentCount}}个工作日，具体为：{{absentDates}}。公司已于{{noticeDeliveredDate}}向您送达《限期返岗通知书》，要求您在收到通知之日起{{deadlineDays}}日内返岗，您逾期仍未返岗，也未说明正当理由。</p>
<p>根据{{handbookRule}}。依据{{legalBasis}}的规定，公司决定自本通知送达之日起解除与您的劳动合同。</p>
<p>公司将为您办理退工及社会保险减员手续，社会保险自{{socialInsuranceStopMonth}}起停止缴纳。请您于收到本通知之日起十五日内到人力资源部办理工作交接及离职手续。</p>
<p class="cc">本通知已事先通知{{union}}。</p>
<p class="sign">{{company}}（盖章）</p>
<p class="date">{{issueDate}}</p>
<p class="ref">送达地址：{{postalAddress}}　　案件编号：{{caseId}}</p>
</body></html>
`;
