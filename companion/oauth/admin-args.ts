// The admin command's arguments, parsed without touching anything, so the host-side wrapper (scripts/oauth.ts)
// refuses a mistyped command before it looks for the container, and the container refuses it before it connects.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-rule.js";

export type AdminCommand =
  | { readonly kind: "help" }
  | { readonly kind: "users add"; readonly username: string; readonly role?: string }
  | { readonly kind: "users set-role"; readonly username: string; readonly role: string }
  | { readonly kind: "users reset-password" | "users disable" | "users enable" | "users delete"; readonly username: string }
  | { readonly kind: "users list" }
  | { readonly kind: "callbacks add" | "callbacks remove"; readonly url: string }
  | { readonly kind: "callbacks list" };

/** The arguments do not form a command (exit code 2); the message says what was expected. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function usage(program: string): string {
  return `usage: ${program} <command>

  users add <username> [--role <role>]  add a user who can sign in to the GPT
  users set-role <username> <role>      change the PostgreSQL role their tokens name (from their next token on)
  users reset-password <username>       set a new password and sign them out everywhere
  users disable <username>              refuse their sign-in and revoke everything issued to them
  users enable <username>               let a disabled user sign in again
  users delete <username>               remove the user and everything issued to them
  users list                            every user, their role and whether they are disabled
  callbacks add <url>                   allow the callback URL GPT Builder shows after saving the GPT
  callbacks remove <url>                remove a callback URL added with this command
  callbacks list                        every allowed callback URL and where it comes from

Passwords (add, reset-password): one line on standard input, ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters; with nothing
piped (a terminal) or an empty line, one is generated and printed once. The default role is the stack's
authenticated role. Usernames are compared ignoring case.
exit code: 0 done, 1 refused (the message says why), 2 usage`;
}

const SUBCOMMANDS: Record<string, readonly string[]> = {
  users: ["add", "set-role", "reset-password", "disable", "enable", "delete", "list"],
  callbacks: ["add", "remove", "list"],
};

/** Throws UsageError naming what is wrong. */
export function parseAdminArgs(args: readonly string[]): AdminCommand {
  const [group, action, ...rest] = args;
  if (group === undefined) throw new UsageError("missing command");
  const options = args.includes("--") ? args.slice(0, args.indexOf("--")) : args;
  if (group === "help" || options.some((a) => a === "--help" || a === "-h")) return { kind: "help" };
  const actions = SUBCOMMANDS[group];
  if (!actions) throw new UsageError(`unknown command ${JSON.stringify(group)}: expected users or callbacks`);
  if (action === undefined || !actions.includes(action)) {
    const what = action === undefined ? "missing" : `unknown: ${JSON.stringify(action)}`;
    throw new UsageError(`${group} needs one of ${actions.join(", ")} (${what})`);
  }

  const { positional, role } = splitOptions(rest, action === "add" && group === "users");
  const take = (names: readonly string[]) => {
    if (positional.length < names.length) throw new UsageError(`${group} ${action} needs ${names.map((n) => `<${n}>`).join(" ")}`);
    if (positional.length > names.length) {
      throw new UsageError(`${group} ${action} takes ${names.map((n) => `<${n}>`).join(" ") || "no arguments"}; unexpected: ${positional.slice(names.length).join(" ")}`);
    }
    return positional;
  };

  if (group === "callbacks") {
    if (action === "list") {
      take([]);
      return { kind: "callbacks list" };
    }
    const [url] = take(["url"]);
    return { kind: action === "add" ? "callbacks add" : "callbacks remove", url: url! };
  }
  switch (action) {
    case "list":
      take([]);
      return { kind: "users list" };
    case "add": {
      const [username] = take(["username"]);
      return { kind: "users add", username: username!, ...(role !== undefined ? { role } : {}) };
    }
    case "set-role": {
      const [username, newRole] = take(["username", "role"]);
      return { kind: "users set-role", username: username!, role: newRole! };
    }
    default: {
      const [username] = take(["username"]);
      return { kind: `users ${action}` as "users disable", username: username! };
    }
  }
}

/** True for the commands that read a password from standard input. */
export function readsPassword(command: AdminCommand): boolean {
  return command.kind === "users add" || command.kind === "users reset-password";
}

// `--role` is the only option; `--` ends options, so a username may start with a dash.
function splitOptions(args: readonly string[], roleAllowed: boolean): { positional: string[]; role?: string } {
  const positional: string[] = [];
  let role: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg === "--role" || arg.startsWith("--role=")) {
      if (!roleAllowed) throw new UsageError("--role is an option of users add only (to change a role: users set-role <username> <role>)");
      if (role !== undefined) throw new UsageError("--role is given twice");
      const value = arg === "--role" ? args[++i] : arg.slice("--role=".length);
      if (value === undefined || value === "" || (arg === "--role" && value.startsWith("--"))) throw new UsageError("--role needs a role name, e.g. --role authenticated");
      role = value;
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    positional.push(arg);
  }
  return { positional, ...(role !== undefined ? { role } : {}) };
}
