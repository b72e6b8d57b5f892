// `node --import tsx lib/openapi/plan-cli.ts`, run by the Pulumi command after the migrations: prints, for the anon
// and the authenticated role, what the companion's /openapi.json will offer. Problems of the document are reported,
// not fatal (the companion serves it anyway); a database that cannot be read fails the step.
import pg from "pg";
import { buildOpenApiDocument } from "./build-document.js";
import { readCatalog } from "./catalog.js";
import { checkImporterRules } from "./importer-rules.js";
import { describePlan } from "./plan.js";

const list = (value: string | undefined) => (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);

export async function runPlan(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  const schemas = list(env.PGPT_DB_SCHEMAS);
  const apiUrl = env.PGPT_API_URL ?? "";
  const selection = { include: list(env.PGPT_OPENAPI_INCLUDE), exclude: list(env.PGPT_OPENAPI_EXCLUDE), readOnly: env.PGPT_OPENAPI_READ_ONLY === "true" };
  const roles = [
    ["GPT authentication None", env.PGPT_ANON_ROLE, "none"],
    ["GPT authentication API Key", env.PGPT_AUTHENTICATED_ROLE, "bearer"],
  ] as const;
  if (!schemas.length || !apiUrl || roles.some(([, role]) => !role)) {
    print("openapi plan: PGPT_DB_SCHEMAS, PGPT_API_URL, PGPT_ANON_ROLE and PGPT_AUTHENTICATED_ROLE are required");
    return 2;
  }
  // libpq's variables, read from `env` rather than from process.env, so the caller decides the connection.
  const client = new pg.Client({
    host: env.PGHOST,
    port: env.PGPORT ? Number(env.PGPORT) : undefined,
    user: env.PGUSER,
    password: env.PGPASSWORD,
    database: env.PGDATABASE,
  });
  try {
    await client.connect();
    for (const [label, role, auth] of roles) {
      const catalog = await readCatalog(client, { role: role!, schemas });
      const doc = buildOpenApiDocument(catalog, { serverUrl: apiUrl, auth, selection });
      describePlan(label, doc, checkImporterRules(doc)).forEach((line) => print(line));
    }
    return 0;
  } catch (error) {
    print(`openapi plan: cannot read the catalog: ${(error as Error).message}`);
    return 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}
