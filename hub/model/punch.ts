/** A stored punch as detection reads it: the employee it resolved to and its instant. */
export interface EmployeePunch {
  employeeId: string;
  /** Epoch ms. */
  atMs: number;
  punchId: string;
}
