from tests.sync.fixtures import hq, pg_cluster, pg_url, stores  # noqa: F401 - pytest fixtures
