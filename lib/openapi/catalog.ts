// What the OpenAPI generator knows of the database: the exposed schemas as one role sees them, read in a single
// round trip. Privileges are asked for the role by name (has_*_privilege(role, ...)), so any login that can read
// pg_catalog, such as the authenticator, can describe what anon or authenticated may do without switching to them.
import type { SqlClient } from "../db/sql-client.js";
import { CATALOG_SQL } from "./catalog-sql.js";

export interface PgType {
  readonly oid: number;
  /** format_type() of the type itself, e.g. `integer`, `api.mood`, `text[]`. */
  readonly name: string;
  /** pg_type.typtype: b base, c composite, d domain, e enum, p pseudo, r range, m multirange. */
  readonly kind: string;
  /** pg_type.typcategory, e.g. A for arrays. */
  readonly category: string;
  /** Arrays: the element type. */
  readonly element?: number;
  /** Domains: the type they constrain. */
  readonly base?: number;
  readonly enumLabels?: readonly string[];
  /** Domains declared NOT NULL. */
  readonly notNull?: boolean;
  readonly comment?: string;
  /** Composite types of tables and views: the relation, so `setof notes` can point at the notes schema. */
  readonly relation?: { readonly schema: string; readonly name: string };
}

export interface Column {
  readonly name: string;
  readonly type: number;
  /** Length limit of character(n) and character varying(n), from the type modifier. */
  readonly maxLength?: number;
  readonly notNull: boolean;
  /** The default expression as PostgreSQL prints it, e.g. `'draft'::text`. */
  readonly default?: string;
  /** Filled by the database: identity (always or by default) or generated. */
  readonly generated: boolean;
  readonly comment?: string;
  readonly canSelect: boolean;
  readonly canInsert: boolean;
  readonly canUpdate: boolean;
}

export interface Relation {
  readonly schema: string;
  readonly name: string;
  /** pg_class.relkind: r table, p partitioned table, v view, m materialized view, f foreign table. */
  readonly kind: string;
  readonly comment?: string;
  readonly columns: readonly Column[];
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly { readonly columns: readonly string[]; readonly table: string; readonly referenced: readonly string[] }[];
  /** The role's privileges, already limited to what the relation supports (a plain view without INSTEAD rules cannot take an insert). */
  readonly canSelect: boolean;
  readonly canInsert: boolean;
  readonly canUpdate: boolean;
  readonly canDelete: boolean;
}

export interface FunctionArgument {
  /** Empty for an unnamed argument. */
  readonly name: string;
  readonly type: number;
  /** i in, o out, b inout, v variadic, t table column. */
  readonly mode: string;
  readonly hasDefault: boolean;
}

export interface DbFunction {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly comment?: string;
  /** i immutable, s stable, v volatile. */
  readonly volatility: "i" | "s" | "v";
  readonly returnsSet: boolean;
  readonly returnType: number;
  readonly arguments: readonly FunctionArgument[];
}

export interface Catalog {
  readonly role: string;
  /** The configured schemas in order; the first is PostgREST's default. */
  readonly schemas: readonly string[];
  readonly schemaComments: Readonly<Record<string, string>>;
  readonly relations: readonly Relation[];
  /** Only functions the role may execute. */
  readonly functions: readonly DbFunction[];
  readonly types: ReadonlyMap<number, PgType>;
}

export interface CatalogScope {
  /** The database role whose view is described: PostgREST's anon role, or the role a token names. */
  readonly role: string;
  readonly schemas: readonly string[];
}

interface CatalogRow {
  readonly catalog: {
    readonly schemaComments: Record<string, string> | null;
    readonly relations: Relation[] | null;
    readonly functions: RawFunction[] | null;
    readonly types: PgType[] | null;
  };
}

/** pg_proc's parallel arrays, as the query returns them. */
interface RawFunction extends Omit<DbFunction, "arguments"> {
  readonly argTypes: number[];
  readonly argModes?: string[];
  readonly argNames?: string[];
  /** Input arguments (modes i, b, v); the last `nargdefaults` of them have defaults. */
  readonly nargs: number;
  readonly nargdefaults: number;
}

/** The catalog query for `scope`, to run as is or inside a PostgREST-style transaction (lib/db runRequest). */
export function catalogQuery(scope: CatalogScope): { text: string; values: unknown[] } {
  if (scope.schemas.length === 0) throw new Error("catalogQuery: at least one schema is required");
  return { text: CATALOG_SQL, values: [scope.role, scope.schemas] };
}

/** The Catalog from the single row catalogQuery returns. */
export function catalogFromRow(row: unknown, scope: CatalogScope): Catalog {
  const found = (row as CatalogRow).catalog;
  return {
    role: scope.role,
    schemas: scope.schemas,
    schemaComments: found.schemaComments ?? {},
    relations: found.relations ?? [],
    functions: (found.functions ?? []).map(withArguments),
    types: new Map((found.types ?? []).map((t) => [t.oid, t])),
  };
}

/** Reads the catalog for `scope`. An unknown role is an error from PostgreSQL (42704), not an empty API. */
export async function readCatalog(client: SqlClient, scope: CatalogScope): Promise<Catalog> {
  const { text, values } = catalogQuery(scope);
  const { rows } = await client.query(text, values);
  return catalogFromRow(rows[0], scope);
}

function withArguments({ argTypes, argModes, argNames, nargs, nargdefaults, ...fn }: RawFunction): DbFunction {
  let inputIndex = 0;
  const args = argTypes.map((type, i) => {
    const mode = argModes?.[i] ?? "i";
    const isInput = mode === "i" || mode === "b" || mode === "v";
    const hasDefault = isInput && inputIndex++ >= nargs - nargdefaults;
    return { name: argNames?.[i] ?? "", type, mode, hasDefault };
  });
  return { ...fn, arguments: args };
}
