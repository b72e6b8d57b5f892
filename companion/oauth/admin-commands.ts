// What the admin command does once its arguments are parsed: connect as the OAuth login (the owner of gpt_oauth),
// run one change, say what happened. Returns the exit code and never throws: a refused value is one line naming
// it (1), a usage mistake the usage text (2), and nothing prints a stack trace or a password it was given.
import type pg from "pg";
import type { SqlClient } from "../../lib/db/sql-client.js";
import { parseAdminArgs, readsPassword, usage, UsageError, type AdminCommand } from "./admin-args.js";
import { addCallback, listCallbackEntries, removeCallback } from "./callbacks.js";
import { generatePassword } from "./password-rule.js";
import { Refused } from "./refused.js";
import { ensureOAuthSchema } from "./schema.js";
import { addUser, deleteUser, disableUser, enableUser, listUsers, resetPassword, setUserRole } from "./users.js";

export interface AdminIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Standard input's text, or undefined when it is a terminal. Called only by the commands that take a password. */
  readStdin(): Promise<string | undefined>;
}

export interface AdminSettings {
  /** The OAuth login, on the authenticator's host and database. */
  readonly database: pg.ClientConfig;
  /** PostgREST's authenticator role: users may only be given roles it can switch to. */
  readonly authenticator: string;
  readonly defaultRole: string;
}

export interface AdminContext {
  readonly io: AdminIo;
  readonly env: NodeJS.ProcessEnv;
  /** How the command is typed, for the usage text. */
  readonly program: string;
  readonly connect: (config: pg.ClientConfig) => Promise<pg.Client>;
}

/** The companion container's environment, or Refused naming each missing variable. */
export function readAdminSettings(env: NodeJS.ProcessEnv): AdminSettings {
  const wanted = {
    PGHOST: "the database host",
    PGDATABASE: "the database",
    PGUSER: "PostgREST's authenticator role",
    PGPT_OAUTH_PGUSER: "the OAuth login: is OAuth enabled in this stack?",
    PGPT_OAUTH_PGPASSWORD: "its password",
    PGPT_AUTHENTICATED_ROLE: "the default role of new users",
  } as const;
  const missing = Object.entries(wanted).filter(([name]) => !env[name]?.trim());
  if (missing.length) {
    throw new Refused(`not set: ${missing.map(([name, what]) => `${name} (${what})`).join(", ")}. Run this inside the companion container, e.g. npm run oauth -- users list`);
  }
  const port = env.PGPORT?.trim() ? Number(env.PGPORT) : 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Refused(`PGPORT = ${JSON.stringify(env.PGPORT)}: must be a port number from 1 to 65535`);
  return {
    database: {
      host: env.PGHOST!.trim(),
      port,
      database: env.PGDATABASE!.trim(),
      user: env.PGPT_OAUTH_PGUSER!.trim(),
      password: env.PGPT_OAUTH_PGPASSWORD!,
      application_name: "postgrest-gpt-oauth-admin",
    },
    authenticator: env.PGUSER!.trim(),
    defaultRole: env.PGPT_AUTHENTICATED_ROLE!.trim(),
  };
}

/**
 * The password piped in: one line, its line ending dropped (echo and heredocs add one). Undefined when nothing was
 * piped or the line is empty: then one is generated.
 */
export function passwordFromStdin(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const line = text.replace(/\r?\n$/, "");
  if (/[\r\n]/.test(line)) throw new Refused("the password on standard input must be a single line");
  return line === "" ? undefined : line;
}

export async function runAdmin(args: readonly string[], ctx: AdminContext): Promise<number> {
  const { io } = ctx;
  let command: AdminCommand;
  try {
    command = parseAdminArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\n\n${usage(ctx.program)}`);
    return 2;
  }
  if (command.kind === "help") {
    io.stdout(usage(ctx.program));
    return 0;
  }

  let client: pg.Client | undefined;
  try {
    const settings = readAdminSettings(ctx.env);
    const given = readsPassword(command) ? passwordFromStdin(await io.readStdin()) : undefined;
    try {
      client = await ctx.connect(settings.database);
    } catch (error) {
      io.stderr(`cannot connect to the database as ${settings.database.user} at ${settings.database.host}:${settings.database.port}: ${(error as Error).message}`);
      return 1;
    }
    // The companion creates the tables at start; this lets the command work before its first start too.
    await ensureOAuthSchema(client);
    await execute(command, client, settings, given, io);
    return 0;
  } catch (error) {
    io.stderr(error instanceof Refused ? error.message : `failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await client?.end().catch(() => undefined);
  }
}

async function execute(command: AdminCommand, db: SqlClient, settings: AdminSettings, given: string | undefined, io: AdminIo): Promise<void> {
  const revokedText = (n: number) => `sessions, grants and refresh tokens revoked: ${n}`;
  // Access tokens are JWTs PostgREST checks on its own: nothing stored can recall them before they expire.
  const stillValid = "Access tokens already issued stay valid until they expire (minutes); no refresh is granted from now on.";
  // The one place a password is printed: one this command made up, so the admin can hand it over.
  const newPassword = (username: string) => {
    if (given !== undefined) return { password: given, announce: () => undefined };
    const password = generatePassword();
    return { password, announce: () => io.stdout(`Generated password for ${username.trim()} (shown only this once, store it now): ${password}`) };
  };

  switch (command.kind) {
    case "users add": {
      const role = command.role ?? settings.defaultRole;
      const { password, announce } = newPassword(command.username);
      const id = await addUser(db, { username: command.username, password, role, authenticator: settings.authenticator });
      io.stdout(`Added ${command.username.trim()} (role ${role}, id ${id}).`);
      announce();
      return;
    }
    case "users set-role":
      await setUserRole(db, command.username, command.role, settings.authenticator);
      io.stdout(`${command.username.trim()} now has role ${command.role}: tokens issued or refreshed from now on name it.`);
      return;
    case "users reset-password": {
      const { password, announce } = newPassword(command.username);
      const { revoked } = await resetPassword(db, command.username, password);
      io.stdout(`New password set for ${command.username.trim()}; ${revokedText(revoked)}. ${stillValid}`);
      announce();
      return;
    }
    case "users disable": {
      const { revoked } = await disableUser(db, command.username);
      io.stdout(`Disabled ${command.username.trim()}: sign-in refused; ${revokedText(revoked)}. ${stillValid}`);
      return;
    }
    case "users enable":
      await enableUser(db, command.username);
      io.stdout(`Enabled ${command.username.trim()}: they can sign in again.`);
      return;
    case "users delete": {
      const { revoked } = await deleteUser(db, command.username);
      io.stdout(`Deleted ${command.username.trim()}; ${revokedText(revoked)}. ${stillValid}`);
      return;
    }
    case "users list": {
      const users = await listUsers(db);
      if (!users.length) return io.stdout("No users yet. Add one: users add <username>");
      io.stdout(
        table([
          ["USERNAME", "ROLE", "STATUS", "CREATED", "ID"],
          ...users.map((u) => [u.username, u.role, u.disabledAt ? "disabled" : "active", u.createdAt.toISOString().slice(0, 10), u.id]),
        ]),
      );
      return;
    }
    case "callbacks add": {
      const { added } = await addCallback(db, command.url);
      io.stdout(added.length ? `Allowed: ${added.join(", ")}` : `Already allowed: ${command.url.trim()}`);
      return;
    }
    case "callbacks remove": {
      const { removed } = await removeCallback(db, command.url);
      io.stdout(`Removed: ${removed.join(", ")}`);
      return;
    }
    case "callbacks list": {
      const entries = await listCallbackEntries(db);
      if (!entries.length) return io.stdout("No callback URLs yet. Save the GPT in GPT Builder, then: callbacks add <the Callback URL it shows>");
      io.stdout(table([["URL", "FROM"], ...entries.map((e) => [e.url, e.source])]));
      return;
    }
  }
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n");
}
