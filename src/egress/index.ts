export { classifyAddress, classifyIp, parseAddress, type AddressClass } from '../common';
export {
  EgressAllowSyntaxError,
  EgressPolicy,
  EgressRefusedError,
  parseEgressAllow,
  PUBLIC_ONLY_EGRESS,
  type AllowEntry,
  type EgressDecision,
} from './egress-policy';
export { EgressModule } from './egress.module';
