// POSTGRES_PASSWORD only takes effect when the image initialises an empty volume. The volume outlives the stack, so a
// stack created again over it (after `pulumi destroy`) has a new generated password the server does not know yet:
// set it through the container's local socket (trusted by the official image) before anything logs in over TCP.

/**
 * The shell command. The password never appears in any process's arguments (visible to `ps` on the host): docker
 * forwards the variable by name, and psql reads it itself (`\set` from a backtick command). Terse errors keep psql
 * from echoing the statement, password included, into Pulumi's log and state.
 */
export function syncPasswordCommand(containerName: string): string {
  return [
    `docker exec -i -e PGPT_SUPERUSER_PASSWORD ${shellQuote(containerName)}`,
    `psql -q -v ON_ERROR_STOP=1 -v VERBOSITY=terse -U postgres -d postgres`,
    `<<'SQL'\n\\set pw \`printenv PGPT_SUPERUSER_PASSWORD\`\nALTER ROLE postgres PASSWORD :'pw';\nSQL`,
  ].join(" ");
}

/** One shell word, whatever the string holds. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
