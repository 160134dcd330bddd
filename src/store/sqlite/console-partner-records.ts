import type { ConsoleSessionRecords, PartnerRecords } from '../../domain/store-port.ts';
import type { CustomerScope } from '../../domain/customers/model.ts';
import type { ConsoleSessionRecord } from '../../domain/console/console-session.ts';
import type { PartnerAppRecord, PartnerGrantRecord } from '../../domain/partners/partner.ts';
import { rowToConsoleSession, rowToPartnerApp, rowToPartnerGrant } from '../rows/console-partner-rows.ts';
import { CONSOLE_SQL, PARTNER_SQL } from '../sql/console-partner-sql.ts';
import type { SqliteConnection } from './connection.ts';

export class SqliteConsoleSessionRecords implements ConsoleSessionRecords {
  constructor(private readonly connection: SqliteConnection) {}

  async insertConsoleSession(session: ConsoleSessionRecord): Promise<void> {
    await this.connection.write(() => this.connection.changes(CONSOLE_SQL.insert, session));
  }

  async findConsoleSession(hash: string): Promise<ConsoleSessionRecord | null> {
    const row = this.connection.autocommit(() => this.connection.row(CONSOLE_SQL.find, hash));
    return row ? rowToConsoleSession(row) : null;
  }

  async deleteConsoleSession(hash: string): Promise<boolean> {
    return (await this.connection.write(() => this.connection.changes(CONSOLE_SQL.delete, hash))) > 0;
  }

  async deleteExpiredConsoleSessions(nowSeconds: number): Promise<number> {
    return this.connection.write(() => this.connection.changes(CONSOLE_SQL.deleteExpired, nowSeconds));
  }
}

export class SqlitePartnerRecords implements PartnerRecords {
  constructor(private readonly connection: SqliteConnection) {}

  async insertPartnerApp(app: PartnerAppRecord): Promise<void> {
    await this.connection.write(() => this.connection.changes(PARTNER_SQL.insertApp, app));
  }

  async findPartnerApp(id: string): Promise<PartnerAppRecord | null> {
    const row = this.connection.autocommit(() => this.connection.row(PARTNER_SQL.findApp, id));
    return row ? rowToPartnerApp(row) : null;
  }

  async listPartnerApps(): Promise<PartnerAppRecord[]> {
    return this.connection.autocommit(() => this.connection.rows(PARTNER_SQL.listApps)).map(rowToPartnerApp);
  }

  async rollPartnerAppSecret(app: PartnerAppRecord): Promise<boolean> {
    return (await this.connection.write(() => this.connection.changes(PARTNER_SQL.rollAppSecret, app))) > 0;
  }

  async deletePartnerApp(id: string): Promise<boolean> {
    const connection = this.connection;
    return connection.write(() => {
      connection.changes(PARTNER_SQL.deleteAppGrants, id);
      return connection.changes(PARTNER_SQL.deleteApp, id) > 0;
    });
  }

  async insertPartnerGrant(grant: PartnerGrantRecord): Promise<void> {
    await this.connection.write(() => this.connection.changes(PARTNER_SQL.insertGrant, grant));
  }

  async findPartnerGrant(hash: string): Promise<PartnerGrantRecord | null> {
    const row = this.connection.autocommit(() => this.connection.row(PARTNER_SQL.findGrant, hash));
    return row ? rowToPartnerGrant(row) : null;
  }

  async exchangePartnerGrant(spent: string, replacements: PartnerGrantRecord[]): Promise<boolean> {
    const connection = this.connection;
    return connection.write(() => {
      if (connection.changes(PARTNER_SQL.spendGrant, spent) === 0) return false;
      for (const grant of replacements) connection.changes(PARTNER_SQL.insertGrant, grant);
      return true;
    });
  }

  async listPartnerGrants(scope: CustomerScope): Promise<PartnerGrantRecord[]> {
    return this.connection.autocommit(() => this.connection.rows(PARTNER_SQL.listGrants, scope)).map(rowToPartnerGrant);
  }

  async revokePartnerGrant(scope: CustomerScope, grantId: string): Promise<number> {
    return this.connection.write(() => this.connection.changes(PARTNER_SQL.revokeGrant, scope, grantId));
  }

  async deleteExpiredPartnerGrants(nowSeconds: number): Promise<number> {
    return this.connection.write(() => this.connection.changes(PARTNER_SQL.deleteExpiredGrants, nowSeconds));
  }
}
