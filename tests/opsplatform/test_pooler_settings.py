"""settings.database() for a DATABASE_URL behind PgBouncer in transaction mode."""

from __future__ import annotations

import pytest

from opsplatform.settings import database


def test_the_pgbouncer_database_settings():
    url = "postgres://ops_app@127.0.0.1:6432/ops"
    pooled = database(url, pooler="pgbouncer")
    assert pooled["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert pooled["OPTIONS"]["prepare_threshold"] is None
    direct = database(url)
    assert direct["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert "prepare_threshold" not in direct.get("OPTIONS", {})
    with pytest.raises(ValueError, match="DATABASE_POOLER"):
        database(url, pooler="pgpool")
    with pytest.raises(ValueError, match="server_side_binding"):
        database(url + "?server_side_binding=true", pooler="pgbouncer")
