// POSTGRES_PASSWORD only takes effect when the image initialises an empty volume. The volume outlives the stack, so a
// stack created again over it (after `pulumi destroy`) has a new generated password the server does not know yet:
// set it through the container's local socket (trusted by the official image) before anything logs in over TCP.
/**
 * The shell command: the password travels in the environment and psql's stdin, never on a command line; terse
 * errors keep psql from echoing the statement, with the password in it, into Pulumi's log and state.
 */
export function syncPasswordCommand(containerName: string): string {
  return [
    `docker exec -i -e PGPT_SUPERUSER_PASSWORD ${shellQuote(containerName)}`,
    `sh -c 'psql -q -v ON_ERROR_STOP=1 -v VERBOSITY=terse -U postgres -d postgres -v pw="$PGPT_SUPERUSER_PASSWORD"'`,
    `<<'SQL'\nALTER ROLE postgres PASSWORD :'pw';\nSQL`,
  ].join(" ");
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
