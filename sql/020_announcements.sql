-- Announcements: public, read-only rows that anyone may read, signed in or not. They are written by the
-- database owner (e.g. with psql), never through the API.

create table if not exists announcements (
  id           bigint generated always as identity primary key,
  title        text not null,
  body         text not null,
  published_at timestamptz not null default now()
);

comment on table announcements is
$$Announcements
Public news about this service, newest first with order=published_at.desc. Read-only.$$;
comment on column announcements.id is 'Announcement id.';
comment on column announcements.title is 'Headline.';
comment on column announcements.body is 'Announcement text.';
comment on column announcements.published_at is 'When it was published.';

revoke all on announcements from public;
grant select on announcements to :"anon_role", :"authenticated_role";

-- Something to read on a fresh install; re-running the file never adds a second copy.
insert into announcements (title, body)
select 'Welcome', 'This API keeps private notes for you. Ask me to save, find, update or delete a note.'
where not exists (select from announcements);
