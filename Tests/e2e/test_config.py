"""The configuration as an operator meets it: a typo in the file and a missing signing key stop
every subcommand at once with a message naming the file, line and key; unknown CORKBOARD_*
variables are not configuration. The shipped and generated files are accepted (the stack runs
on the generated one; systemd/corkboard.conf is checked against the keys read by a unit test)."""

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(stack, config, env=None):
    """`corkboard mail list` (reads the config, then the database) with `config`."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CORKBOARD_")}
    full_env.update(env or {})
    return subprocess.run([stack.bin, "mail", "list", "--limit", "1", "--config", str(config)], env=full_env,
                          capture_output=True, text=True, timeout=60)


def variant(stack, tmp_path, edit):
    """The stack's config with `edit` applied to its lines, written to a file of its own."""
    lines = Path(stack.config).read_text().splitlines()
    path = tmp_path / "variant.conf"
    path.write_text("\n".join(edit(lines)) + "\n")
    return path


def test_the_generated_config_is_accepted_with_unknown_corkboard_variables(stack, tmp_path):
    result = run(stack, stack.config, env={"CORKBOARD_NO_SUCH_SETTING": "1", "CORKBOARD_WORKER_SLOT": "3"})
    assert result.returncode == 0, result.stderr


def test_a_typo_in_the_file_is_refused_naming_file_line_and_the_known_key(stack, tmp_path):
    path = variant(stack, tmp_path, lambda lines: lines + ["worker = 8"])
    line = len(Path(path).read_text().splitlines())
    result = run(stack, path)
    assert result.returncode == 78, result.stderr
    assert f"{path}:{line}: unknown key `worker`; did you mean `workers`?" in result.stderr, result.stderr


def test_a_missing_or_short_signing_key_is_refused_naming_it(stack, tmp_path):
    path = variant(stack, tmp_path, lambda lines: [l for l in lines if not l.startswith("causal_cookie_secret")])
    result = run(stack, path)
    assert result.returncode == 78 and "`causal_cookie_secret` is not set" in result.stderr, result.stderr
    result = run(stack, stack.config, env={"CORKBOARD_SEARCH_CURSOR_SECRET": "too-short"})
    assert result.returncode == 78, result.stderr
    assert "env CORKBOARD_SEARCH_CURSOR_SECRET: `search_cursor_secret` is 9 characters" in result.stderr, result.stderr


def test_the_shipped_config_names_the_secrets_it_needs(stack, tmp_path):
    # The production file ships without secrets (the installation steps generate them): it must
    # fail on exactly that, not on an unknown key.
    shipped = (REPO / "systemd" / "corkboard.conf").read_text()
    path = tmp_path / "shipped.conf"
    path.write_text(shipped)
    result = run(stack, path)
    assert result.returncode == 78 and "_secret` is not set" in result.stderr, result.stderr
    filled = shipped.replace("causal_cookie_secret =", "causal_cookie_secret = " + "c" * 64)
    filled = filled.replace("search_cursor_secret =", "search_cursor_secret = " + "s" * 64)
    path.write_text(filled.replace("listen = systemd", "listen = tcp:127.0.0.1:1"))
    result = run(stack, path)
    # Past the configuration: it fails only at the database the production file points at.
    assert "configuration error" not in result.stderr, result.stderr
