// The admin command's arguments and stdin, parsed without a database: what each command line means, which ones are
// usage mistakes (exit code 2), and how a piped password is read.
import { describe, expect, test } from "vitest";
import { parseAdminArgs, readsPassword, usage, UsageError } from "../../companion/oauth/admin-args.js";
import { passwordFromStdin, readAdminSettings } from "../../companion/oauth/admin-commands.js";
import { Refused } from "../../companion/oauth/refused.js";

const parse = (line: string) => parseAdminArgs(line.split(" ").filter(Boolean));

describe("parseAdminArgs", () => {
  test.each([
    ["users add alice@example.com", { kind: "users add", username: "alice@example.com" }],
    ["users add alice@example.com --role editor", { kind: "users add", username: "alice@example.com", role: "editor" }],
    ["users add --role=editor alice@example.com", { kind: "users add", username: "alice@example.com", role: "editor" }],
    ["users set-role alice@example.com editor", { kind: "users set-role", username: "alice@example.com", role: "editor" }],
    ["users reset-password alice", { kind: "users reset-password", username: "alice" }],
    ["users disable alice", { kind: "users disable", username: "alice" }],
    ["users enable alice", { kind: "users enable", username: "alice" }],
    ["users delete alice", { kind: "users delete", username: "alice" }],
    ["users list", { kind: "users list" }],
    ["callbacks add https://chatgpt.com/aip/g-1/oauth/callback", { kind: "callbacks add", url: "https://chatgpt.com/aip/g-1/oauth/callback" }],
    ["callbacks remove https://chatgpt.com/aip/g-1/oauth/callback", { kind: "callbacks remove", url: "https://chatgpt.com/aip/g-1/oauth/callback" }],
    ["callbacks list", { kind: "callbacks list" }],
    ["help", { kind: "help" }],
    ["--help", { kind: "help" }],
    ["users add -h", { kind: "help" }],
  ])("%s", (line, expected) => {
    expect(parse(line)).toEqual(expected);
  });

  test("`--` ends the options, so a username may start with a dash", () => {
    expect(parseAdminArgs(["users", "disable", "--", "-odd-name"])).toEqual({ kind: "users disable", username: "-odd-name" });
    expect(parseAdminArgs(["users", "delete", "--", "--help"])).toEqual({ kind: "users delete", username: "--help" });
  });

  test.each([
    ["", "missing command"],
    ["groups list", 'unknown command "groups": expected users or callbacks'],
    ["users", "users needs one of add, set-role, reset-password, disable, enable, delete, list (missing)"],
    ["users remove alice", 'users needs one of add, set-role, reset-password, disable, enable, delete, list (unknown: "remove")'],
    ["callbacks delete x", 'callbacks needs one of add, remove, list (unknown: "delete")'],
    ["users add", "users add needs <username>"],
    ["users add alice bob", "users add takes <username>; unexpected: bob"],
    ["users set-role alice", "users set-role needs <username> <role>"],
    ["users list everyone", "users list takes no arguments; unexpected: everyone"],
    ["users add alice --role", "--role needs a role name, e.g. --role authenticated"],
    ["users add alice --role= ", "--role needs a role name, e.g. --role authenticated"],
    ["users add alice --role a --role b", "--role is given twice"],
    ["users disable alice --role a", "--role is an option of users add only (to change a role: users set-role <username> <role>)"],
    ["users add alice --password secret", 'unknown option "--password"'],
  ])("%j is a usage error: %s", (line, message) => {
    expect(() => parse(line)).toThrow(new UsageError(message));
  });

  test("only add and reset-password read a password", () => {
    const reading = ["users add a", "users reset-password a", "users list", "users disable a", "callbacks list"].filter((l) => readsPassword(parse(l)));
    expect(reading).toEqual(["users add a", "users reset-password a"]);
  });

  test("the usage text names the program as typed and every command", () => {
    const text = usage("npm run oauth --");
    expect(text).toMatch(/^usage: npm run oauth -- <command>/);
    for (const c of ["users add", "set-role", "reset-password", "disable", "enable", "delete", "users list", "callbacks add", "callbacks remove", "callbacks list"]) {
      expect(text).toContain(c);
    }
    expect(text).toMatch(/exit code: 0 done, 1 refused \(the message says why\), 2 usage$/);
  });
});

describe("a password on stdin", () => {
  test("one line, its line ending dropped, inner and edge spaces kept", () => {
    expect(passwordFromStdin("  spaced password  \n")).toBe("  spaced password  ");
    expect(passwordFromStdin("windows line ending\r\n")).toBe("windows line ending");
    expect(passwordFromStdin("no line ending")).toBe("no line ending");
  });

  test("nothing piped (a terminal), empty input or an empty line means: generate one", () => {
    expect(passwordFromStdin(undefined)).toBeUndefined();
    expect(passwordFromStdin("")).toBeUndefined();
    expect(passwordFromStdin("\n")).toBeUndefined();
  });

  test("more than one line is refused", () => {
    expect(() => passwordFromStdin("one\ntwo\n")).toThrow(new Refused("the password on standard input must be a single line"));
  });
});

describe("the container environment", () => {
  const env = {
    PGHOST: "db", PGDATABASE: "app", PGUSER: "authenticator", PGPASSWORD: "authenticator-secret",
    PGPT_OAUTH_PGUSER: "oauth", PGPT_OAUTH_PGPASSWORD: "oauth-secret", PGPT_AUTHENTICATED_ROLE: "authenticated",
  };

  test("connects as the OAuth login on the authenticator's host and database; PGUSER names the authenticator", () => {
    expect(readAdminSettings(env)).toEqual({
      database: { host: "db", port: 5432, database: "app", user: "oauth", password: "oauth-secret", application_name: "postgrest-gpt-oauth-admin" },
      authenticator: "authenticator",
      defaultRole: "authenticated",
    });
  });

  test("every missing variable is named at once; a bad port is quoted", () => {
    expect(() => readAdminSettings({})).toThrow(/^not set: PGHOST .*, PGDATABASE .*, PGUSER .*, PGPT_OAUTH_PGUSER .*, PGPT_OAUTH_PGPASSWORD .*, PGPT_AUTHENTICATED_ROLE /);
    expect(() => readAdminSettings({ ...env, PGPORT: "x" })).toThrow('PGPORT = "x": must be a port number from 1 to 65535');
  });
});
