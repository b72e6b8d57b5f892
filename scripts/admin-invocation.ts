// How `npm run oauth` runs the admin command inside the companion container. A password never becomes a process
// argument (visible to every user of the host in `ps`) nor an environment variable: it travels on stdin only.
import { readsPassword, type AdminCommand } from "../companion/oauth/admin-args.js";

export const ADMIN_SCRIPT = "companion-admin.mjs";

/**
 * What the container's stdin gets: nothing (no password involved), the wrapper's own stdin (a password piped in),
 * or the answer to a hidden prompt (a person at a terminal).
 */
export type PasswordSource = "none" | "pass-through" | "prompt";

export interface AdminInvocation {
  readonly dockerArgs: readonly string[];
  readonly stdin: PasswordSource;
}

export function adminInvocation(container: string, args: readonly string[], command: AdminCommand, stdinIsTty: boolean): AdminInvocation {
  const stdin: PasswordSource = !readsPassword(command) ? "none" : stdinIsTty ? "prompt" : "pass-through";
  // -i only when something is sent: without it the command cannot wait on a stdin nobody writes to.
  return { dockerArgs: ["exec", ...(stdin === "none" ? [] : ["-i"]), container, "node", ADMIN_SCRIPT, ...args], stdin };
}
