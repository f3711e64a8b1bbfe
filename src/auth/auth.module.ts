import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import { AuthGuard } from './auth.guard';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { TokenService } from './token.service';

@Module({
  imports: [AuditModule],
  controllers: [AdminController],
  providers: [TokenService, AdminService, BootstrapAdminService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService, AdminService, BootstrapAdminService],
})
export class AuthModule {}
