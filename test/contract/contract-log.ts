/**
 * Where the checked responses are logged during a run: a directory made by global-setup.ts, one
 * JSON line per response (ContractLogLine), summarised by global-teardown.ts.
 */
export const LOG_ENV = 'LIANFANG_CONTRACT_LOG';

export interface ContractLogLine {
  file: string;
  test: string;
  route: string;
  status: number;
  validated: boolean;
  problems: string[];
}
