"""One seeded server for the security suite, and a signed-in manager of its demo store."""
import pytest

import creneau_server


@pytest.fixture(scope="session")
def seeded_server():
    with creneau_server.seeded_server() as server:
        yield server


@pytest.fixture(scope="session")
def manager(seeded_server):
    email, password = creneau_server.demo_account(seeded_server.seed_output, "manager")
    return creneau_server.StaffSession(seeded_server.url, email, password)
