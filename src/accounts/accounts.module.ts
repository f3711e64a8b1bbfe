import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiToken } from './api-token.entity';
import { Enrolment } from './enrolment.entity';
import { Organisation } from './organisation.entity';
import { User } from './user.entity';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import { AppConfig } from '../config';
import { AuthThrottle } from './auth-throttle';
import { AuthGuard } from './auth.guard';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { SelfServiceController } from './self-service.controller';
import { TokenHasher } from './token-hash';
import { TokenService } from './token.service';
import { Organisations } from './organisations';
import { Users } from './users';
import { Clock } from '../common';
import { UserCredential } from './credential.entity';
import { UserSession } from './session.entity';
import { SessionController } from './session.controller';
import { SessionService } from './session.service';

@Module({
  imports: [
    AuditModule,
    TypeOrmModule.forFeature([Organisation, User, ApiToken, Enrolment, UserCredential, UserSession]),
  ],
  controllers: [AdminController, SelfServiceController, SessionController],
  providers: [
    { provide: TokenHasher, inject: [AppConfig], useFactory: (config: AppConfig) => TokenHasher.fromConfig(config) },
    TokenService,
    Organisations,
    Users,
    AdminService,
    BootstrapAdminService,
    AuthThrottle,
    { provide: Clock, useValue: new Clock() },
    SessionService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [
    Organisations,
    Users,
    TokenService,
    TokenHasher,
    AdminService,
    BootstrapAdminService,
    AuthThrottle,
    SessionService,
  ],
})
export class AccountsModule {}
