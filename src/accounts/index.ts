/**
 * The accounts module: organisations, users, API tokens and enrolment codes (their tables are its
 * own), the guard that authenticates every request, and the admin and self-service endpoints. Other
 * modules read organisations through `Organisations`.
 */
export { AccountsModule } from './accounts.module';
export { Organisations, type OrganisationRecord, type DepartmentQuery } from './organisations';
export { Users, type UserRecord } from './users';
export { AuthThrottle } from './auth-throttle';
export { TokenHasher } from './token-hash';
export { hostPatternProblem, matchesHostPattern, MAX_HOST_PATTERNS } from './host-patterns';
export { AdminService } from './admin.service';
export { PlatformAdminError, issuePlatformToken, resetPasswordByUsername } from './platform-admin';
