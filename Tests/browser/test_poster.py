"""The printed poster, as a new user would test it: CLI output, a real decoder, each link opening its product."""
import subprocess

from creneau_server import BIN, ROOT, http_get

STORE = "creneau-rivoli"


def test_printed_poster_codes_open_their_products(seeded_server, tmp_path):
    svg = tmp_path / "poster.svg"
    result = subprocess.run(
        [BIN, "poster", "--store", STORE, "--shelf", "petit-dejeuner", "-o", str(svg), "--data-dir", str(seeded_server.data_dir)],
        cwd=ROOT, env=seeded_server.env | {"CRENEAU_PUBLIC_URL": seeded_server.url}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    png = tmp_path / "poster.png"
    subprocess.run(["rsvg-convert", "--dpi-x", "150", "--dpi-y", "150", "-b", "white", "-o", str(png), str(svg)], check=True)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True).stdout.split()
    assert len(decoded) == 12
    assert len(set(decoded)) == 12
    for url in decoded:
        assert url.startswith(f"{seeded_server.url}/s/")
        status, headers, body = http_get(url)
        assert status == 200
        assert 'class="product-name"' in body
    # The running server is still serving after the CLI used its database.
    assert http_get(seeded_server.url + "/healthz")[0] == 200


def test_poster_command_refuses_an_unknown_shelf_readably(seeded_server):
    result = subprocess.run(
        [BIN, "poster", "--store", STORE, "--shelf", "nope", "--data-dir", str(seeded_server.data_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert result.stderr.strip() == 'error: There is no shelf "nope" at this store.'
