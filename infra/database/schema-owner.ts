// A retained schema that a login role owns outlives the role: `pulumi destroy` drops the role, and the provider first
// hands everything the role owned to the superuser (REASSIGN OWNED). Created again, the role gets the schema back (the
// provider sets the owner of a schema that exists) but not the tables in it, which its service then cannot open. This
// step gives them back, as the superuser, through the container's trusted local socket like the password sync.
import { shellQuote } from "./superuser-password.js";

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Idempotent: on a first deployment the schema is empty and nothing changes. */
export function reownSchemaSql(schema: string, owner: string): string {
  for (const [what, name] of [["schema", schema], ["owner", owner]] as const) {
    if (!IDENTIFIER.test(name)) throw new Error(`${what} = ${JSON.stringify(name)}: must be a lower-case PostgreSQL identifier`);
  }
  return [
    "DO $$",
    "DECLARE rel regclass;",
    "BEGIN",
    `  EXECUTE format('ALTER SCHEMA %I OWNER TO %I', '${schema}', '${owner}');`,
    "  FOR rel IN",
    "    SELECT c.oid FROM pg_class c",
    `    WHERE c.relnamespace = '${schema}'::regnamespace AND c.relowner <> '${owner}'::regrole`,
    "      AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')",
    // A sequence that belongs to a column moves with its table, and refuses to move alone.
    "      AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass",
    "        AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))",
    "  LOOP",
    `    EXECUTE format('ALTER TABLE %s OWNER TO %I', rel, '${owner}');`,
    "  END LOOP;",
    "END $$;",
  ].join("\n");
}

/** The shell command: psql inside the PostgreSQL container, the SQL on stdin. */
export function reownSchemaCommand(containerName: string, database: string, schema: string, owner: string): string {
  return [
    `docker exec -i ${shellQuote(containerName)}`,
    `psql -q -v ON_ERROR_STOP=1 -v VERBOSITY=terse -U postgres -d ${shellQuote(database)}`,
    `<<'SQL'\n${reownSchemaSql(schema, owner)}\nSQL`,
  ].join(" ");
}
