/**
 * What the shipped notices cite, until a company writes its own in the policy's `notices`: the
 * handbook rule is a placeholder of the usual wording (a company must quote its own handbook,
 * which the employee acknowledged, for a termination to stand); the legal basis is the Labor
 * Contract Law's article on serious breaches of the employer's rules.
 */
export const DEFAULT_NOTICE_WORDING = {
  handbookRule: '《员工手册》规定：员工连续旷工三个工作日以上，或一个月内累计旷工五个工作日以上的，属于严重违反公司规章制度的行为，公司可以解除劳动合同',
  legalBasis: '《中华人民共和国劳动合同法》第三十九条第（二）项',
  union: '公司工会委员会',
} as const;
