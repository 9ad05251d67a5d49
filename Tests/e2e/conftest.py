import shutil

import pytest

from creneau_server import Server, make_data_dir, stop_cluster


@pytest.fixture
def data_dir():
    path = make_data_dir()
    try:
        yield path
    finally:
        stop_cluster(path)
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def server(data_dir):
    server = Server(data_dir).start()
    try:
        yield server
    finally:
        server.stop_quietly()
