/** One finding of the loader or checker, located in the coordinator's file. */
export interface Problem {
  severity: 'error' | 'warning';
  code: string;
  file: string;
  line: number;
  col: number;
  /** Path inside the flow, e.g. `steps.age.next`. */
  path: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col} ${p.severity} ${p.code} at ${p.path || '(file)'}: ${p.message}`;
}

export const hasErrors = (ps: Problem[]): boolean => ps.some((p) => p.severity === 'error');
