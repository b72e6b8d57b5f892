// oidc-provider's persistence adapter on PostgreSQL: every grant, code, refresh token, session and interaction is a
// row of gpt_oauth.store, so restarting the companion loses nothing. Expired rows are invisible at once and purged
// later; JWT access tokens are never stored (oidc-provider does not persist them).
import type pg from "pg";
import { errors, type Adapter, type AdapterPayload } from "oidc-provider";
import { OAUTH_SCHEMA } from "./schema.js";

const TABLE = `${OAUTH_SCHEMA}.store`;
const LIVE = "(expires_at is null or expires_at > now())";

type Queryable = Pick<pg.Pool, "query">;

export class PgAdapter implements Adapter {
  constructor(
    private readonly db: Queryable,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    await this.db.query(
      `insert into ${TABLE} (model, id, payload, expires_at)
       values ($1, $2, $3, case when $4::int > 0 then now() + make_interval(secs => $4::int) end)
       on conflict (model, id) do update set payload = excluded.payload, expires_at = excluded.expires_at`,
      [this.model, id, payload, Math.ceil(expiresIn ?? 0)],
    );
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.one(`model = $1 and id = $2`, [this.model, id]);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.one(`model = $1 and uid = $2`, [this.model, uid]);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.one(`model = $1 and user_code = $2`, [this.model, userCode]);
  }

  /**
   * oidc-provider checks `consumed` and then calls this, so two requests racing with one code both pass its check.
   * The row decides: only the request that marks it wins; the loser is a replay, and like a replay it revokes
   * everything stored for the grant (RFC 6749 4.1.2), the winner's refresh token included. The winner's access
   * token, a JWT, cannot be recalled: it lives out its minutes.
   */
  async consume(id: string): Promise<void> {
    const { rows } = await this.db.query<{ grant_id: string | null }>(
      `update ${TABLE} set consumed_at = now() where model = $1 and id = $2 and consumed_at is null returning grant_id`,
      [this.model, id],
    );
    if (rows.length) return;
    const { rows: used } = await this.db.query<{ grant_id: string | null }>(`select grant_id from ${TABLE} where model = $1 and id = $2`, [this.model, id]);
    const grantId = used[0]?.grant_id;
    if (grantId) await this.db.query(`delete from ${TABLE} where grant_id = $1 or (model = 'Grant' and id = $1)`, [grantId]);
    throw new errors.InvalidGrant(`${this.model === "AuthorizationCode" ? "authorization code" : this.model} already consumed`);
  }

  async destroy(id: string): Promise<void> {
    await this.db.query(`delete from ${TABLE} where model = $1 and id = $2`, [this.model, id]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.query(`delete from ${TABLE} where model = $1 and grant_id = $2`, [this.model, grantId]);
  }

  private async one(where: string, values: unknown[]): Promise<AdapterPayload | undefined> {
    const { rows } = await this.db.query<{ payload: AdapterPayload; consumed: number | null }>(
      `select payload, extract(epoch from consumed_at)::bigint as consumed from ${TABLE} where ${where} and ${LIVE}`,
      values,
    );
    const row = rows[0];
    if (!row) return undefined;
    // oidc-provider treats any truthy `consumed` as used: a replayed code then revokes its grant.
    return row.consumed === null ? row.payload : { ...row.payload, consumed: Number(row.consumed) };
  }
}

/** Deletes rows that expired more than a minute ago; returns how many. */
export async function purgeExpired(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(`delete from ${TABLE} where expires_at < now() - interval '1 minute'`);
  return rowCount ?? 0;
}
